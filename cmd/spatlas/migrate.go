package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/spatlas/spatlas/internal/postgis"
)

func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas migrate\n\nApplies the embedded database migrations that the database (DATABASE_URL, else the private cluster) lacks.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	url, err := databaseURL(ctx, e)
	if err != nil {
		return err
	}
	db, err := postgis.Open(ctx, url, e.logger, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "migrations applied: %d\n", n)
	return nil
}
