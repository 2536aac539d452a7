package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/server"
	"github.com/spatlas/spatlas/web"
)

// serveFlags are the flags of serve and run.
type serveFlags struct {
	addr, metricsAddr *string
	cacheMB           *int64
	tileURL, tileAttr *string

	maxConns       *int
	minConns       *int
	acquireTimeout *time.Duration
	readHeader     *time.Duration
	read, write    *time.Duration
	idle           *time.Duration
	shutdown       *time.Duration
	rateLimit      *float64
	rateBurst      *int
	maxDownloads   *int

	plan planFlags
}

// serveEnv names the environment variable of each serve flag that takes its value from one
// when the flag is not given.
func serveEnv() [][2]string {
	return [][2]string{
		{"metrics-addr", "SPATLAS_METRICS_ADDR"},
		{"db-max-conns", "SPATLAS_DB_MAX_CONNS"},
		{"db-min-conns", "SPATLAS_DB_MIN_CONNS"},
		{"db-acquire-timeout", "SPATLAS_DB_ACQUIRE_TIMEOUT"},
		{"read-header-timeout", "SPATLAS_READ_HEADER_TIMEOUT"},
		{"read-timeout", "SPATLAS_READ_TIMEOUT"},
		{"write-timeout", "SPATLAS_WRITE_TIMEOUT"},
		{"idle-timeout", "SPATLAS_IDLE_TIMEOUT"},
		{"shutdown-timeout", "SPATLAS_SHUTDOWN_TIMEOUT"},
		{"rate-limit", "SPATLAS_RATE_LIMIT"},
		{"rate-burst", "SPATLAS_RATE_BURST"},
		{"max-downloads", "SPATLAS_MAX_DOWNLOADS"},
	}
}

func addServeFlags(fs *flag.FlagSet, e env) serveFlags {
	return serveFlags{
		addr:        fs.String("addr", e.lookup("SPATLAS_ADDR", "127.0.0.1:8080"), "listen address (env SPATLAS_ADDR); port 0 picks a free port"),
		metricsAddr: fs.String("metrics-addr", "", "listen address of the Prometheus metrics at /metrics (env SPATLAS_METRICS_ADDR); empty: no metrics"),
		cacheMB:     fs.Int64("cache-mb", 256, "response cache size in MiB; 0 turns the cache off"),
		tileURL:     fs.String("tile-url", e.getenv("SPATLAS_TILE_URL"), "optional basemap tile URL template for the map (env SPATLAS_TILE_URL)"),
		tileAttr:    fs.String("tile-attribution", e.getenv("SPATLAS_TILE_ATTRIBUTION"), "attribution of the basemap tiles (env SPATLAS_TILE_ATTRIBUTION)"),

		maxConns:       fs.Int("db-max-conns", 8, "database connections of the pool (env SPATLAS_DB_MAX_CONNS)"),
		minConns:       fs.Int("db-min-conns", 4, "database connections kept open when idle, ready for a burst (env SPATLAS_DB_MIN_CONNS)"),
		acquireTimeout: fs.Duration("db-acquire-timeout", 3*time.Second, "longest wait for a free database connection before a request gets 503 (env SPATLAS_DB_ACQUIRE_TIMEOUT)"),
		readHeader:     fs.Duration("read-header-timeout", 5*time.Second, "time a client has to send a request's headers (env SPATLAS_READ_HEADER_TIMEOUT)"),
		read:           fs.Duration("read-timeout", 10*time.Second, "time a client has to send a whole request (env SPATLAS_READ_TIMEOUT)"),
		write:          fs.Duration("write-timeout", 2*serveStatementTimeout, "time from the end of a request's headers to the end of its response (env SPATLAS_WRITE_TIMEOUT)"),
		idle:           fs.Duration("idle-timeout", time.Minute, "time an idle keep-alive connection stays open (env SPATLAS_IDLE_TIMEOUT)"),
		shutdown:       fs.Duration("shutdown-timeout", 30*time.Second, "on a stop signal, time the requests in flight have to finish before their connections are closed (env SPATLAS_SHUTDOWN_TIMEOUT)"),
		rateLimit:      fs.Float64("rate-limit", 100, "requests a second allowed to one client address, 0 for no limit (env SPATLAS_RATE_LIMIT)"),
		rateBurst:      fs.Int("rate-burst", 400, "requests one client address may make at once above the rate (env SPATLAS_RATE_BURST)"),
		maxDownloads:   fs.Int("max-downloads", 2, "downloads prepared or sent at once; more wait up to 5 s, then get 503 (env SPATLAS_MAX_DOWNLOADS)"),

		plan: addPlanFlags(fs),
	}
}

// applyEnv sets each flag of serveEnv that the command line left out from its environment
// variable, when that is set.
func (sf serveFlags) applyEnv(fs *flag.FlagSet, e env) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, fe := range serveEnv() {
		v := e.getenv(fe[1])
		if v == "" || given[fe[0]] {
			continue
		}
		if err := fs.Set(fe[0], v); err != nil {
			return fmt.Errorf("%s=%q: %w", fe[1], v, err)
		}
	}
	if *sf.maxConns < 1 || *sf.maxConns > 1000 {
		return fmt.Errorf("-db-max-conns %d: want 1 to 1000", *sf.maxConns)
	}
	if *sf.minConns < 0 || *sf.minConns > *sf.maxConns {
		return fmt.Errorf("-db-min-conns %d: want 0 to -db-max-conns (%d)", *sf.minConns, *sf.maxConns)
	}
	if *sf.maxDownloads < 1 {
		return fmt.Errorf("-max-downloads %d: want 1 or more", *sf.maxDownloads)
	}
	return nil
}

// dbOptions are the options of the serving pool.
func (sf serveFlags) dbOptions() postgis.Options {
	return postgis.Options{
		StatementTimeout: serveStatementTimeout,
		MaxConns:         int32(*sf.maxConns),
		MinConns:         int32(*sf.minConns),
		AcquireTimeout:   *sf.acquireTimeout,
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
	if err := sf.applyEnv(fs, e); err != nil {
		return err
	}
	db, err := openDB(ctx, e, sf.dbOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, e, db, sf)
}

// serve listens on the flags' address and serves until ctx is done, then shuts down gracefully.
// With a metrics address it also serves the Prometheus metrics there.
func serve(ctx context.Context, e env, db *postgis.DB, sf serveFlags) error {
	var reg *prometheus.Registry
	if *sf.metricsAddr != "" {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
			newPoolCollector(db))
	}
	cfg := server.Config{
		Features:        db,
		Provision:       db,
		Analysis:        db,
		Logger:          e.logger,
		Web:             web.Dist(),
		CacheBytes:      *sf.cacheMB << 20,
		TileURL:         *sf.tileURL,
		TileAttribution: *sf.tileAttr,
		RateLimit:       *sf.rateLimit,
		RateBurst:       *sf.rateBurst,
		MaxDownloads:    *sf.maxDownloads,
		Planner:         newPlanner(ctx, e, db, sf.plan),
		ReadOnly:        *sf.plan.readOnly,
		ScenarioRate:    *sf.plan.rate,
	}
	if reg != nil {
		cfg.Metrics = reg
	}
	servers := []*http.Server{sf.httpServer(ctx, server.New(cfg))}
	addrs := []string{*sf.addr}
	if reg != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		servers = append(servers, sf.httpServer(ctx, mux))
		addrs = append(addrs, *sf.metricsAddr)
	}
	lns := make([]net.Listener, 0, len(addrs))
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return err
		}
		lns = append(lns, ln)
	}
	fmt.Fprintf(e.stdout, "spatlas serving on http://%s/\n", lns[0].Addr())
	e.logger.Info("serving", "addr", lns[0].Addr().String())
	if len(lns) > 1 {
		e.logger.Info("serving metrics", "addr", lns[1].Addr().String())
	}
	return serveUntilDone(ctx, e, servers, lns, *sf.shutdown)
}

// httpServer is an http.Server with the flags' timeouts: a client that is slow to send its
// request, or to read the response, is cut off rather than hold the server.
func (sf serveFlags) httpServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: *sf.readHeader,
		ReadTimeout:       *sf.read,
		WriteTimeout:      *sf.write,
		IdleTimeout:       *sf.idle,
		MaxHeaderBytes:    64 << 10,
		// Requests must outlive the signal: Shutdown lets those in flight finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// serveUntilDone serves each server on its listener until ctx is done or one fails, then shuts
// them all down gracefully: requests in flight have grace to finish.
func serveUntilDone(ctx context.Context, e env, servers []*http.Server, lns []net.Listener, grace time.Duration) error {
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(lns[i]) }()
	}
	var first error
	select {
	case first = <-errc:
	case <-ctx.Done():
	}
	e.logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(shutCtx); err != nil {
			errs = append(errs, err)
		}
	}
	pending := len(servers)
	if first != nil {
		pending--
		errs = append(errs, first)
	}
	for range pending {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// newPoolCollector reports the database pool's use, read from pgxpool's statistics when scraped.
func newPoolCollector(db *postgis.DB) prometheus.Collector {
	return poolCollector{db: db,
		conns: prometheus.NewDesc("spatlas_db_pool_connections", "Connections of the database pool, by state.", []string{"state"}, nil),
		max:   prometheus.NewDesc("spatlas_db_pool_max_connections", "Size of the database pool.", nil, nil),
		acq:   prometheus.NewDesc("spatlas_db_pool_acquires_total", "Connections acquired from the pool.", nil, nil),
		empty: prometheus.NewDesc("spatlas_db_pool_empty_acquires_total", "Acquires that had to wait for a connection.", nil, nil),
		canc:  prometheus.NewDesc("spatlas_db_pool_canceled_acquires_total", "Acquires given up (timed out or abandoned).", nil, nil),
		wait:  prometheus.NewDesc("spatlas_db_pool_acquire_seconds_total", "Time spent acquiring connections.", nil, nil),
	}
}

type poolCollector struct {
	db                                 *postgis.DB
	conns, max, acq, empty, canc, wait *prometheus.Desc
}

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.conns, c.max, c.acq, c.empty, c.canc, c.wait} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.Pool().Stat()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(c.acq, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.empty, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.canc, prometheus.CounterValue, float64(s.CanceledAcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.wait, prometheus.CounterValue, s.AcquireDuration().Seconds())
}
