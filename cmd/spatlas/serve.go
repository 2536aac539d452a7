package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/server"
	"github.com/spatlas/spatlas/web"
)

// serveFlags are the flags of serve and run.
type serveFlags struct {
	addr     *string
	cacheMB  *int64
	tileURL  *string
	tileAttr *string
	plan     planFlags
}

func addServeFlags(fs *flag.FlagSet, e env) serveFlags {
	return serveFlags{
		addr:     fs.String("addr", e.lookup("SPATLAS_ADDR", "127.0.0.1:8080"), "listen address (env SPATLAS_ADDR); port 0 picks a free port"),
		cacheMB:  fs.Int64("cache-mb", 256, "response cache size in MiB; 0 turns the cache off"),
		tileURL:  fs.String("tile-url", e.getenv("SPATLAS_TILE_URL"), "optional basemap tile URL template for the map (env SPATLAS_TILE_URL)"),
		tileAttr: fs.String("tile-attribution", e.getenv("SPATLAS_TILE_ATTRIBUTION"), "attribution of the basemap tiles (env SPATLAS_TILE_ATTRIBUTION)"),
		plan:     addPlanFlags(fs),
	}
}

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addServeFlags(fs, e)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas serve [flags]\n\nServes the OGC API, health checks and the map until SIGINT or SIGTERM.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{StatementTimeout: serveStatementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, e, db, sf)
}

// serve listens on the flags' address and serves until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, e env, db *postgis.DB, sf serveFlags) error {
	planner := newPlanner(ctx, e, db, sf.plan)
	h := server.New(server.Config{
		Features:        db,
		Provision:       db,
		Analysis:        db,
		Logger:          e.logger,
		Web:             web.Dist(),
		CacheBytes:      *sf.cacheMB << 20,
		TileURL:         *sf.tileURL,
		TileAttribution: *sf.tileAttr,
		Planner:         planner,
		ReadOnly:        *sf.plan.readOnly,
		ScenarioRate:    *sf.plan.rate,
	})
	ln, err := net.Listen("tcp", *sf.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      2 * serveStatementTimeout,
		IdleTimeout:       2 * time.Minute,
		// Requests must outlive the signal: Shutdown lets those in flight finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	fmt.Fprintf(e.stdout, "spatlas serving on http://%s/\n", ln.Addr())
	e.logger.Info("serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	e.logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
