package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
)

func cmdLoad(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	lf := addLoadFlags(fs, e)
	force := fs.Bool("force", false, "reload even when the source files are unchanged")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas load [flags]\n\nLoads each edition whose source files changed since its last load, in one transaction each,\nthen each provision file (link workers, community assets) whose inputs changed.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	eds, err := parseEditions(*lf.editions)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadEditions(ctx, e, db, *lf.dataDir, eds, *force); err != nil {
		return err
	}
	if !*lf.provision {
		return nil
	}
	return loadProvision(ctx, e, db, *lf.dataDir, *lf.postcodes, *force)
}

// loadFlags are the flags of load and run that say what to load.
type loadFlags struct {
	dataDir   *string
	editions  *string
	provision *bool
	postcodes *string
}

func addLoadFlags(fs *flag.FlagSet, e env) loadFlags {
	return loadFlags{
		dataDir:   fs.String("data", e.lookup("SPATLAS_DATA", defaultDataDir), "data directory of dataset folders (env SPATLAS_DATA)"),
		editions:  fs.String("edition", "all", "editions to load: all, or a comma-separated list (iod2019,iod2025)"),
		provision: fs.Bool("provision", true, "also load the provision files of the data directory (link workers, community assets)"),
		postcodes: fs.String("postcodes", e.lookup("SPATLAS_POSTCODES", ""),
			"postcode lookup to place rows that have only a postcode: an ONS Postcode Directory, NSPL or OS Code-Point Open CSV (gzipped or not), a zip or a folder of them; default: the newest in the data directory's postcodes/ folder, else its newest codepoint-open-*/ folder (env SPATLAS_POSTCODES)"),
	}
}

func parseEditions(s string) ([]spatlas.Edition, error) {
	if s == "" || s == "all" {
		return spatlas.Editions(), nil
	}
	var eds []spatlas.Edition
	for _, id := range strings.Split(s, ",") {
		ed, err := spatlas.EditionByID(strings.TrimSpace(id))
		if err != nil {
			return nil, err
		}
		eds = append(eds, ed)
	}
	return eds, nil
}

// loadEditions loads every edition whose sources changed (app.LoadEditions) and prints what
// each load did.
func loadEditions(ctx context.Context, e env, db *postgis.DB, dataDir string, eds []spatlas.Edition, force bool) error {
	reps, err := app.LoadEditions(ctx, db, dataDir, eds, force, e.logger)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		printReport(e, rep)
	}
	return nil
}

func printReport(e env, r spatlas.LoadReport) {
	if r.Skipped {
		fmt.Fprintf(e.stdout, "%s: unchanged since the last load, skipped (%s)\n", r.Edition, r.Duration.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(e.stdout, "%s: loaded %d LSOAs, %d LADs, %d ICBs from %d files in %s (generation %d)\n",
		r.Edition, r.LSOAs, r.LADs, r.ICBs, len(r.Sources), r.Duration.Round(time.Millisecond), r.Generation)
	fmt.Fprintf(e.stdout, "  boundaries read %d, repaired %d; deprivation rows without a boundary %d %v; boundaries without deprivation %d\n",
		r.Boundaries, r.Repaired, r.WithoutBoundary.Count, r.WithoutBoundary.Sample, r.WithoutDeprivation.Count)
	fmt.Fprintf(e.stdout, "  population: %s; IMD score: %s\n", r.PopulationSource, orNone(r.ScoreSource))
	fmt.Fprintf(e.stdout, "  LSOA points: %d population-weighted centroids (%s), %d points on surface\n",
		r.Centroids, orNone(r.CentroidSource), r.PointsOnSurface)
	for _, s := range r.Steps {
		fmt.Fprintf(e.stdout, "  %-10s %s\n", s.Step, s.Duration.Round(time.Millisecond))
	}
}

func orNone(s string) string {
	if s == "" {
		return "none loaded"
	}
	return s
}
