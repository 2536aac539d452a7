package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
)

func cmdRemove(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, `usage: spatlas remove -dataset NAME [-file FILE]

Removes what the imports of a provision dataset stored (or of one of its files): its community
assets (an asset other files also name keeps their records), its services, and its load reports
and provenance, in one transaction. /api/datasets and /api/load-reports stop listing it; the
metrics built from it are recomputed by the next build. A file still in the data directory is
loaded again by the next load: remove it there too.

flags:`)
		fs.PrintDefaults()
	}
	dataset := fs.String("dataset", "", "the dataset to remove (required), as /api/datasets and spatlas reports name it")
	file := fs.String("file", "", "only this file of the dataset")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataset == "" || fs.NArg() > 0 {
		fs.Usage()
		return spatlas.Errorf(spatlas.EINVALID, "remove: -dataset is required, and nothing else is")
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	rm, err := db.RemoveProvision(ctx, *dataset, *file)
	if err != nil {
		return err
	}
	for _, f := range rm.Files {
		fmt.Fprintf(e.stdout, "removed %s/%s\n", rm.Dataset, f)
	}
	files := "files"
	if len(rm.Files) == 1 {
		files = "file"
	}
	fmt.Fprintf(e.stdout, "%d %s: %d assets (%d source records), %d services removed; run spatlas build to recompute the metrics\n",
		len(rm.Files), files, rm.Assets, rm.Sources, rm.Services)
	return nil
}
