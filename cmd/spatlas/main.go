// Command spatlas loads the English Indices of Deprivation, LSOA boundaries and social prescribing
// provision into PostGIS and serves them as OGC API - Features layers and a Leaflet map.
//
// Run "spatlas help" for the subcommands.
//
// Each subcommand is one file here that parses its flags, calls the use case of internal/app
// (load the editions, build the metrics, import a file) or the store, and prints what it did; the
// work itself, and its concurrency, lives in internal/app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "spatlas:", err)
		}
		os.Exit(1)
	}
}

// env is what every subcommand gets from the process: its environment and standard streams.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
}

// lookup returns the environment variable or def when it is unset or empty.
func (e env) lookup(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "start the database if needed, migrate, load what changed, and serve", cmdRun},
		{"serve", "serve the OGC API, analysis endpoints and the map", cmdServe},
		{"load", "load source datasets from SPATLAS_DATA into the database (only what changed)", cmdLoad},
		{"build", "recompute the need-versus-provision metrics of the loaded editions (only what changed)", cmdBuild},
		{"import", "load one file of community assets or link worker services, or a live Open Referral API", cmdImport},
		{"remove", "remove a provision dataset, or one of its files, and its reports", cmdRemove},
		{"reports", "print the load reports of the provision files: every row read, and why any was not loaded", cmdReports},
		{"migrate", "apply database migrations", cmdMigrate},
		{"fetch", "download source datasets from their publishers into SPATLAS_DATA", cmdFetch},
		{"db", "manage the project-private PostGIS cluster: start, stop, status, url", cmdDB},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{
		getenv: getenv,
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("SPATLAS_LOG_LEVEL"))})),
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return spatlas.Errorf(spatlas.EINVALID, "unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: spatlas <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'spatlas <command> -h' for a command's flags.")
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}
