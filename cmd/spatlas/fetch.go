package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spatlas/spatlas/data"
	"github.com/spatlas/spatlas/internal/fetch"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// defaultDataDir is the data directory when neither -data nor SPATLAS_DATA gives one.
const defaultDataDir = "data/raw"

func cmdFetch(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dataDir := fs.String("data", e.lookup("SPATLAS_DATA", defaultDataDir), "data directory to fill, one folder per dataset (env SPATLAS_DATA)")
	force := fs.Bool("force", false, "download files again even when present, also into folders spatlas did not fetch")
	manifest := fs.String("manifest", "", "sources manifest `file` (default: the built-in data/sources.json)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: spatlas fetch [flags] [dataset ...]\n\nDownloads the datasets (default: all in the manifest) from their publishers into the data directory.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := loadManifest(*manifest)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	f := &fetch.Fetcher{
		Logger: e.logger,
		Force:  *force,
		OnFile: func(r fetch.FileReport) {
			file, size, sum := r.File, fmt.Sprint(r.Bytes), r.SHA256
			if r.Status == fetch.StatusKept {
				file, size, sum = "(folder already holds data)", "-", "-"
			}
			if len(sum) > 12 {
				sum = sum[:12]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Dataset, file, size, sum, r.Status)
			tw.Flush()
		},
	}
	_, err = f.Fetch(ctx, m, *dataDir, fs.Args())
	return err
}

// loadManifest reads the sources manifest from name, or the built-in one when name is empty.
func loadManifest(name string) (fetch.Manifest, error) {
	if name == "" {
		return fetch.LoadManifest(bytes.NewReader(data.Sources()))
	}
	f, err := os.Open(name)
	if err != nil {
		return fetch.Manifest{}, spatlas.Errorf(spatlas.EINVALID, "sources manifest: %v", err)
	}
	defer f.Close()
	m, err := fetch.LoadManifest(f)
	if err != nil {
		return fetch.Manifest{}, spatlas.Errorf(spatlas.EINVALID, "%s: %s", name, spatlas.ErrorMessage(err))
	}
	return m, nil
}
