package server

import (
	"cmp"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// ogcPrefix is where the OGC API is mounted; links in OGC documents are built under it.
const ogcPrefix = "/ogc"

// Config is what the server needs.
type Config struct {
	// Features is the store behind the OGC API.
	Features spatlas.FeatureService
	// Provision serves the load reports and categories of /api; nil leaves those routes out.
	Provision spatlas.ProvisionService
	// Analysis serves area profiles, underserved areas, inequality, downloads, the data
	// dictionary and the datasets of /api; nil leaves those routes out.
	Analysis spatlas.AnalysisService
	// Logger receives the access log and the detail of internal errors. Nil discards.
	Logger *slog.Logger
	// Web is the built front end; it may lack index.html, in which case / says how to build it.
	Web fs.FS
	// CacheBytes bounds the response cache of /ogc; 0 turns the cache off.
	CacheBytes int64
	// TileURL and TileAttribution configure the map's optional basemap (/api/config).
	TileURL, TileAttribution string
	// RateLimit is the sustained requests a second allowed to one client address, in bursts of
	// up to RateBurst; beyond it a client gets 429 with Retry-After. 0 turns the limit off.
	// /healthz and /readyz are not limited.
	RateLimit float64
	RateBurst int
	// MaxDownloads is how many downloads are prepared or sent at once (0 means 2); a request
	// that finds none free within 5 s gets 503 with Retry-After.
	MaxDownloads int
	// Metrics, when not nil, receives the Prometheus metrics of the server: request durations,
	// the response cache and the build durations.
	Metrics prometheus.Registerer
	// Version is the build version, shown in the OpenAPI document, the landing page and
	// /api/config, and part of every ETag. Empty takes it from the binary's build information
	// (see buildVersion).
	Version string
	// Planner answers what-if scenarios and suggested sites; nil leaves those routes out.
	Planner PlanService
	// ReadOnly refuses the creation of scenarios (for read replicas) with a 403.
	ReadOnly bool
	// ScenarioRate is how many scenarios a client may create per minute (0: DefaultScenarioRate).
	ScenarioRate int
}

// New returns the spatlas HTTP handler.
func New(cfg Config) http.Handler { return newServer(cfg, time.Now) }

// newServer is New with the clock that paces generation checks made explicit, for tests.
func newServer(cfg Config, now func() time.Time) http.Handler {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	version := cfg.Version
	if version == "" {
		version = buildVersion()
	}
	svc := cfg.Features
	gens := newGenerations(svc, time.Second, now)
	cat := newCatalog(svc, gens)
	compress := newCompressor()
	h := errorAdapter(logger)
	respCache := newCache(cfg.CacheBytes)
	m := newMetrics(cfg.Metrics, respCache, cfg.Analysis)
	limit := rateLimit(newRateLimiter(cfg.RateLimit, cfg.RateBurst, now))

	r := chi.NewRouter()
	r.Use(middleware.RequestID, observe(logger, m), recoverer(logger),
		securityHeaders(contentSecurityPolicy(cfg.TileURL)), refuseBody, headAsGet)

	// Every route is compressed by compress; under /ogc, ogcResponses applies it on a cache miss.
	r.With(compress).Method(http.MethodGet, "/healthz", handleHealthz())
	r.With(compress).Method(http.MethodGet, "/readyz", h(handleReadyz(svc)))

	r.Route("/api", func(r chi.Router) {
		r.Use(limit, cors, compress)
		r.NotFound(handleNotFound())
		r.MethodNotAllowed(handleMethodNotAllowed())
		r.Method(http.MethodGet, "/config", handleConfig(cfg.TileURL, cfg.TileAttribution, version))
		if cfg.Provision != nil {
			r.Method(http.MethodGet, "/load-reports", h(handleLoadReports(cfg.Provision)))
			r.Method(http.MethodGet, "/categories", h(handleCategories(cfg.Provision)))
		}
		if cfg.Analysis != nil {
			analysisRoutes(r, cfg.Analysis, newSlots(cmp.Or(cfg.MaxDownloads, 2), 5*time.Second, "downloads"), h)
		}
		if cfg.Planner != nil {
			planRoutes(r, cfg.Planner, cfg.ReadOnly, cfg.ScenarioRate, h)
		}
	})

	// ogcResponses wraps each endpoint rather than the subrouter, so that it runs once chi has
	// matched the route: the metrics then name the route of a cache hit too.
	ogc := ogcResponses(respCache, gens, compress, newGzipPool(), version)
	r.Route(ogcPrefix, func(r chi.Router) {
		r.Use(limit, cors)
		r.NotFound(handleNotFound())
		r.MethodNotAllowed(handleMethodNotAllowed())
		o := r.With(ogc)
		o.Method(http.MethodGet, "/", h(handleLanding(version)))
		o.Method(http.MethodGet, "/conformance", h(handleConformance()))
		o.Method(http.MethodGet, "/api", h(handleOpenAPI(cat, version)))
		r.Route("/collections", func(r chi.Router) {
			r.With(ogc).Method(http.MethodGet, "/", h(handleCollections(cat)))
			r.Route("/{collectionId}", func(r chi.Router) {
				o := r.With(ogc)
				o.Method(http.MethodGet, "/", h(handleCollection(cat)))
				o.Method(http.MethodGet, "/queryables", h(handleQueryables(cat)))
				o.Method(http.MethodGet, "/items", h(handleItems(svc, cat)))
				o.Method(http.MethodGet, "/items/{featureId}", h(handleItem(svc, cat)))
			})
		})
	})

	r.With(limit, compress).Method(http.MethodGet, "/*", handleWeb(cfg.Web))
	return r
}
