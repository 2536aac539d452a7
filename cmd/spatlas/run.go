package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/spatlas/spatlas/internal/postgis"
)

// cmdRun is what "make run" calls: database (DATABASE_URL or the private cluster), migrations,
// a load of whatever changed in SPATLAS_DATA, then the server.
func cmdRun(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dataDir := fs.String("data", e.lookup("SPATLAS_DATA", "data/raw"), "data directory of dataset folders (env SPATLAS_DATA)")
	editions := fs.String("edition", "all", "editions to load: all, or a comma-separated list")
	sf := addServeFlags(fs, e)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas run [flags]\n\nStarts the database if needed, migrates, loads what changed, and serves.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	eds, err := parseEditions(*editions)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{StatementTimeout: serveStatementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadEditions(ctx, e, db, *dataDir, eds, false); err != nil {
		return err
	}
	return serve(ctx, e, db, sf)
}
