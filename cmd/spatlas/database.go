package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/spatlas/spatlas/internal/pgcluster"
	"github.com/spatlas/spatlas/internal/postgis"
)

// databaseURL returns DATABASE_URL when it is set, else starts (or reuses) the project-private
// PostGIS cluster and returns its URL.
func databaseURL(ctx context.Context, e env) (string, error) {
	if u := e.getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	dir, err := filepath.Abs(e.lookup("SPATLAS_PGDIR", ".spatlas/pg"))
	if err != nil {
		return "", err
	}
	c := &pgcluster.Cluster{Dir: dir, Logger: e.logger}
	return c.Start(ctx)
}

// openDB connects to the database and applies any pending migrations.
func openDB(ctx context.Context, e env, opt postgis.Options) (*postgis.DB, error) {
	url, err := databaseURL(ctx, e)
	if err != nil {
		return nil, err
	}
	db, err := postgis.Open(ctx, url, e.logger, opt)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

const serveStatementTimeout = 30 * time.Second
