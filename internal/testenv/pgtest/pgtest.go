// Package pgtest gives tests a real PostGIS database: one database per caller name on the
// server that SPATLAS_TEST_DATABASE_URL points at (make test starts the private cluster and sets
// it), migrated, and loaded with either the small fixture dataset embedded here or the real data
// of SPATLAS_DATA.
//
// Without SPATLAS_TEST_DATABASE_URL the tests skip, unless SPATLAS_REQUIRE_DB=1, under which a
// skip is a failure (CI sets it).
package pgtest

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

//go:embed all:fixture
var fixture embed.FS

// DB returns a migrated, possibly empty database named spatlas_test_<name>, created on first use.
func DB(tb testing.TB, name string) *postgis.DB {
	tb.Helper()
	base := os.Getenv("SPATLAS_TEST_DATABASE_URL")
	if base == "" {
		testenv.Skip(tb, "SPATLAS_TEST_DATABASE_URL is not set (make test sets it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url, err := ensureDatabase(ctx, base, "spatlas_test_"+name)
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	db, err := postgis.Open(ctx, url, Logger(tb), postgis.Options{StatementTimeout: time.Minute})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(db.Close)
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// URL returns the URL of the database spatlas_test_<name> (creating it if needed).
func URL(tb testing.TB, name string) string {
	tb.Helper()
	DB(tb, name)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url, err := ensureDatabase(ctx, os.Getenv("SPATLAS_TEST_DATABASE_URL"), "spatlas_test_"+name)
	if err != nil {
		tb.Fatal(err)
	}
	return url
}

func ensureDatabase(ctx context.Context, base, name string) (string, error) {
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		return "", err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// Serialise creation across test binaries running at the same time.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext('spatlas.test.createdb'))"); err != nil {
		return "", err
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", err
		}
	}
	cfg.Database = name
	dbconn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer dbconn.Close(ctx)
	if _, err := dbconn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		return "", err
	}
	return withDatabase(base, name), nil
}

// withDatabase names another database in a connection string: as a dbname parameter, which
// libpq and pgx take over the URL's path, or as a dbname keyword.
func withDatabase(base, name string) string {
	switch {
	case !strings.Contains(base, "://"):
		return base + " dbname=" + name
	case strings.Contains(base, "?"):
		return base + "&dbname=" + name
	}
	return base + "?dbname=" + name
}

// Logger returns a logger that writes to the test log.
func Logger(tb testing.TB) *slog.Logger {
	if tb == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) { w.tb.Log(string(p)); return len(p), nil }

// FixtureDir writes the embedded fixture data directory (iod2019 layouts: 9 LSOAs in a 3x3 grid
// in two LADs, one of them with a self-intersecting ring) to a temporary folder and returns it.
func FixtureDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	err := fs.WalkDir(fixture, "fixture", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("fixture", p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := fixture.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Load loads an edition from dataDir into db, skipping it when its sources are unchanged. Test
// binaries running at once take turns, so the second finds the first one's load and skips.
func Load(tb testing.TB, db *postgis.DB, dataDir, edition string) spatlas.LoadReport {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	unlock, err := db.Lock(ctx, "spatlas.test.load."+edition)
	if err != nil {
		tb.Fatal(err)
	}
	defer unlock()
	ed, err := spatlas.EditionByID(edition)
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := app.Load(ctx, db, dataDir, ed, false, Logger(tb))
	if err != nil {
		tb.Fatalf("load %s: %v", edition, err)
	}
	return rep
}

// Fixture returns a database loaded with the fixture dataset as edition iod2019.
func Fixture(tb testing.TB) *postgis.DB {
	tb.Helper()
	db := DB(tb, "fixture")
	Load(tb, db, FixtureDir(tb), "iod2019")
	return db
}

// RealDataDir returns SPATLAS_DATA, skipping (or failing under SPATLAS_REQUIRE_DB=1) without it.
func RealDataDir(tb testing.TB) string {
	tb.Helper()
	return testenv.DataDir(tb)
}

// Real returns a database loaded with both editions and the provision files (link workers,
// community assets) of SPATLAS_DATA, without a postcode lookup, and their metrics built with
// the default parameters. Loads and builds are skipped when the inputs are unchanged, so test
// binaries share them.
func Real(tb testing.TB) *postgis.DB {
	tb.Helper()
	dir := RealDataDir(tb)
	db := DB(tb, "real")
	for _, ed := range spatlas.Editions() {
		Load(tb, db, dir, ed.ID)
	}
	LoadProvision(tb, db, dir)
	Build(tb, db)
	return db
}

// Build builds the metrics of every loaded edition with the default parameters, skipping what
// is up to date.
func Build(tb testing.TB, db *postgis.DB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, ed := range spatlas.Editions() {
		if _, err := db.Build(ctx, ed.ID, spatlas.DefaultBuildParams(), false); err != nil && spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
			tb.Fatalf("build %s: %v", ed.ID, err)
		}
	}
}

// LoadProvision loads the provision files of dataDir into db, skipping those whose inputs are
// unchanged, with the built-in taxonomy and no postcode lookup.
func LoadProvision(tb testing.TB, db *postgis.DB, dataDir string) []*spatlas.ProvisionReport {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	unlock, err := db.Lock(ctx, "spatlas.test.load.provision")
	if err != nil {
		tb.Fatal(err)
	}
	defer unlock()
	p, err := app.NewProvision(ctx, db, "", "", Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	reps, err := app.LoadProvision(ctx, db, dataDir, p, false, Logger(tb))
	if err != nil {
		tb.Fatalf("load provision: %v", err)
	}
	return reps
}
