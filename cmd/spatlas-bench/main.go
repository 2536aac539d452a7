// Command spatlas-bench measures spatlas against reference tools, side by side in one run on the
// same machine, and prints the medians, their ratio and a verdict against each target:
//
//  1. loading the LSOA 2011 boundaries (32,844 polygons) with spatlas against ogr2ogr loading the
//     same features merged into one GeoJSON file (target: spatlas at most 1/3 of ogr2ogr's time);
//  2. the items endpoint of the OGC API, hot (response cache on) against a trivial in-memory server
//     returning the same bytes (target: at least 0.9 of its requests per second), and cold (cache
//     off) against the bare store query;
//  3. importing a large synthetic CSV of asset points against ogr2ogr and the same LSOA join in
//     SQL (target: at most half their time);
//  4. the metrics build of both editions from scratch, the use case spatlas build runs (an
//     absolute target).
//
// The contenders alternate within each round, and every figure is a median over the rounds, since
// shared machines are noisy. "make bench" runs it with a database of its own; it reads the source
// data from SPATLAS_DATA and the database from SPATLAS_BENCH_DATABASE_URL (else DATABASE_URL).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "spatlas-bench:", err)
		}
		os.Exit(1)
	}
}

// config is what a run measures and where.
type config struct {
	dataDir  string
	dbURL    string
	rounds   int
	duration time.Duration // of each wrk run
	only     []string      // names of the benchmarks to run; nil: all
	assets   int           // synthetic points of the asset import
}

// runs reports whether the run measures the benchmark of that name.
func (c config) runs(name string) bool { return c.only == nil || slices.Contains(c.only, name) }

// benchmarkNames are the names -only takes, in the order the benchmarks run.
var benchmarkNames = []string{"boundaries", "items", "assets", "build", "plan"}

// benchmark is one side-by-side comparison.
type benchmark struct {
	name, title string
	run         func(context.Context) ([]verdict, error)
}

// benchmarks lists the comparisons in the order of benchmarkNames.
func (b *bench) benchmarks() []benchmark {
	one := func(f func(context.Context) (verdict, error)) func(context.Context) ([]verdict, error) {
		return func(ctx context.Context) ([]verdict, error) {
			v, err := f(ctx)
			return []verdict{v}, err
		}
	}
	return []benchmark{
		{"boundaries", "boundary load", one(b.boundaries)},
		{"items", "items endpoint", b.items},
		{"assets", "asset import", one(b.assets)},
		{"build", "metrics build", one(b.build)},
		{"plan", "planning", b.plan},
	}
}

// bench is the state shared by the benchmarks of one run.
type bench struct {
	cfg    config
	db     *postgis.DB
	logger *slog.Logger
	out    io.Writer
}

// verdict is the outcome of one benchmark against its target.
type verdict struct {
	name   string
	ok     bool
	target bool // false: informational, no target to meet
	line   string
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("SPATLAS_LOG_LEVEL"))}))
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	db, err := postgis.Open(ctx, cfg.dbURL, logger, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	b := &bench{cfg: cfg, db: db, logger: logger, out: stdout}
	b.header()

	var verdicts []verdict
	for _, bm := range b.benchmarks() {
		if !cfg.runs(bm.name) {
			continue
		}
		vs, err := bm.run(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", bm.title, err)
		}
		verdicts = append(verdicts, vs...)
	}
	fmt.Fprintln(stdout, "\nVerdicts")
	for _, v := range verdicts {
		mark := "INFO"
		switch {
		case v.target && v.ok:
			mark = "PASS"
		case v.target:
			mark = "MISS"
		}
		fmt.Fprintf(stdout, "  %s  %-22s %s\n", mark, v.name, v.line)
	}
	return nil
}

// parseConfig reads the flags and the environment.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("spatlas-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 5, "rounds of each side-by-side comparison (medians are reported)")
	duration := fs.Duration("duration", 10*time.Second, "length of each wrk run of the hot items benchmark (whole seconds)")
	only := fs.String("only", "all", "which benchmarks to run, comma-separated: "+strings.Join(benchmarkNames, ", ")+", or all")
	assets := fs.Int("assets", 1_000_000, "synthetic points of the asset import benchmark")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: spatlas-bench [flags]

Measures spatlas side by side with ogr2ogr (boundary load, asset import with its LSOA join) and
with a trivial in-memory server (items endpoint), and prints medians, ratios and a verdict per
target. Needs ogr2ogr and wrk.

environment:
  SPATLAS_DATA                the data directory of dataset folders (required)
  SPATLAS_BENCH_DATABASE_URL  the database to use (else DATABASE_URL); "make bench" sets it

flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, spatlas.Errorf(spatlas.EINVALID, "unexpected arguments %q", fs.Args())
	}
	cfg := config{rounds: *rounds, duration: *duration, assets: *assets}
	if *only != "all" {
		for _, name := range strings.Split(*only, ",") {
			if name = strings.TrimSpace(name); !slices.Contains(benchmarkNames, name) {
				return config{}, spatlas.Errorf(spatlas.EINVALID, "-only %q: want a comma-separated list of %s, or all", *only, strings.Join(benchmarkNames, ", "))
			}
			cfg.only = append(cfg.only, name)
		}
	}
	switch {
	case cfg.rounds < 1:
		return config{}, spatlas.Errorf(spatlas.EINVALID, "-rounds %d: want at least 1", cfg.rounds)
	case cfg.duration < time.Second || cfg.duration%time.Second != 0:
		return config{}, spatlas.Errorf(spatlas.EINVALID, "-duration %s: want a whole number of seconds, at least 1s", cfg.duration)
	case cfg.assets < 1:
		return config{}, spatlas.Errorf(spatlas.EINVALID, "-assets %d: want at least 1", cfg.assets)
	}
	if cfg.dataDir = getenv("SPATLAS_DATA"); cfg.dataDir == "" {
		return config{}, spatlas.Errorf(spatlas.EINVALID,
			"SPATLAS_DATA is not set: point it at the data directory holding imd2019/ and lsoa2011-boundaries/, e.g. make bench SPATLAS_DATA=../shared/data")
	}
	if cfg.dbURL = getenv("SPATLAS_BENCH_DATABASE_URL"); cfg.dbURL == "" {
		cfg.dbURL = getenv("DATABASE_URL")
	}
	if cfg.dbURL == "" {
		return config{}, spatlas.Errorf(spatlas.EINVALID,
			"no database: run it with make bench, or set SPATLAS_BENCH_DATABASE_URL (or DATABASE_URL) to a PostGIS database it may write to")
	}
	return cfg, nil
}

func (b *bench) header() {
	where := "?"
	if c, err := pgx.ParseConfig(b.cfg.dbURL); err == nil {
		where = fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
	}
	fmt.Fprintf(b.out, "spatlas benchmarks, %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(b.out, "  machine  %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(b.out, "  data     %s\n", b.cfg.dataDir)
	fmt.Fprintf(b.out, "  database %s\n", where)
	fmt.Fprintf(b.out, "  rounds   %d (contenders alternate within each round; medians reported)\n", b.cfg.rounds)
}

// table lays out rows in aligned columns, each line indented; numbers align right.
type table struct {
	out    io.Writer
	indent string
	buf    bytes.Buffer
	tw     *tabwriter.Writer
}

func (b *bench) table(indent string, flags uint) *table {
	t := &table{out: b.out, indent: indent}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', flags)
	return t
}

// row adds a row of cells.
func (t *table) row(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")+"\t") }

// flush writes the table out.
func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		if line != "" {
			if _, err := io.WriteString(t.out, t.indent+strings.TrimRight(line, " \n")+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}
