package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/spatlas/spatlas/internal/pgcluster"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// cmdDB manages the project-private PostgreSQL + PostGIS cluster. Only URLs and the status go to
// stdout, so that a Makefile can capture them; progress is logged to stderr.
func cmdDB(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("db", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("dir", e.lookup("SPATLAS_PGDIR", pgcluster.DefaultDir),
		"cluster `folder`, relative to the working directory (env SPATLAS_PGDIR)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: spatlas db [-dir DIR] <subcommand>

subcommands:
  start          start the cluster (installing PostgreSQL and creating the cluster when needed)
                 and print the URL of database spatlas
  stop           stop the cluster
  status         print "running" or "stopped", and the URL of database spatlas
  url            print the URL of database spatlas, without starting the cluster
  createdb NAME  create database NAME with PostGIS unless it exists (starting the cluster when
                 needed) and print its URL

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return spatlas.Errorf(spatlas.EINVALID, "db: missing subcommand (start, stop, status, url or createdb)")
	}
	sub := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil { // flags may also follow the subcommand
		return err
	}
	operands := fs.Args()
	switch {
	case sub == "createdb" && len(operands) != 1:
		fs.Usage()
		return spatlas.Errorf(spatlas.EINVALID, "db createdb: give exactly one database name, got %q", operands)
	case sub != "createdb" && len(operands) != 0:
		fs.Usage()
		return spatlas.Errorf(spatlas.EINVALID, "db %s: unexpected arguments %q", sub, operands)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return spatlas.Errorf(spatlas.EINVALID, "db: cluster folder %s: %v", *dir, err)
	}
	c := &pgcluster.Cluster{Dir: abs, Logger: e.logger}

	switch sub {
	case "start":
		url, err := c.Start(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, url)
	case "stop":
		return c.Stop(ctx)
	case "status":
		running, err := c.Running(ctx)
		if err != nil {
			return err
		}
		state := "stopped"
		if running {
			state = "running"
		}
		fmt.Fprintf(e.stdout, "%s %s\n", state, c.URL(pgcluster.DefaultDatabase))
	case "url":
		fmt.Fprintln(e.stdout, c.URL(pgcluster.DefaultDatabase))
	case "createdb":
		url, err := c.CreateDB(ctx, operands[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, url)
	default:
		fs.Usage()
		return spatlas.Errorf(spatlas.EINVALID, "db: unknown subcommand %q (start, stop, status, url or createdb)", sub)
	}
	return nil
}
