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
	lf := addLoadFlags(fs, e)
	sf := addServeFlags(fs, e)
	bf := addBuildFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas run [flags]\n\nStarts the database if needed, migrates, loads what changed, rebuilds the metrics that depend on it, and serves.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.applyEnv(fs, e); err != nil {
		return err
	}
	params, err := bf.params()
	if err != nil {
		return err
	}
	eds, err := parseEditions(*lf.editions)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{StatementTimeout: serveStatementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadEditions(ctx, e, db, *lf.dataDir, eds, false); err != nil {
		return err
	}
	if *lf.provision {
		if err := loadProvision(ctx, e, db, *lf.dataDir, *lf.postcodes, false); err != nil {
			return err
		}
	}
	if err := buildEditions(ctx, e, db, eds, params, false, false); err != nil {
		return err
	}
	// Loads and builds may wait for connections as long as they need; serving may not, so it
	// gets a pool of its own with the serve flags' size and acquire timeout.
	db.Close()
	sdb, err := openDB(ctx, e, sf.dbOptions())
	if err != nil {
		return err
	}
	defer sdb.Close()
	return serve(ctx, e, sdb, sf)
}
