package server

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

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
	// Version is the build version, shown in the OpenAPI document and /api/config.
	Version string
}

// New returns the spatlas HTTP handler.
func New(cfg Config) http.Handler { return newServer(cfg, time.Now) }

// newServer is New with the clock that paces generation checks made explicit, for tests.
func newServer(cfg Config, now func() time.Time) http.Handler {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	svc := cfg.Features
	gens := newGenerations(svc, time.Second, now)
	cat := newCatalog(svc, gens)
	rc := newCache(cfg.CacheBytes)
	gz := newGzipPool()
	compress := middleware.Compress(5)

	r := chi.NewRouter()
	r.Use(middleware.RequestID, accessLog(logger), recoverer(logger), headAsGet)

	r.Method(http.MethodGet, "/healthz", handleHealthz())
	r.Method(http.MethodGet, "/readyz", handleReadyz(svc, logger))

	r.Route("/api", func(r chi.Router) {
		r.Use(cors, compress)
		r.NotFound(handleNotFound())
		r.MethodNotAllowed(handleMethodNotAllowed())
		r.Method(http.MethodGet, "/config", handleConfig(cfg.TileURL, cfg.TileAttribution, cfg.Version))
		if cfg.Provision != nil {
			r.Method(http.MethodGet, "/load-reports", handleLoadReports(cfg.Provision, logger))
			r.Method(http.MethodGet, "/categories", handleCategories(cfg.Provision, logger))
		}
		if cfg.Analysis != nil {
			analysisRoutes(r, cfg.Analysis, logger)
		}
	})

	r.Route(ogcPrefix, func(r chi.Router) {
		r.Use(cors, ogcResponses(rc, gens, gz, cfg.Version))
		r.NotFound(handleNotFound())
		r.MethodNotAllowed(handleMethodNotAllowed())
		r.Method(http.MethodGet, "/", handleLanding(logger))
		r.Method(http.MethodGet, "/conformance", handleConformance(logger))
		r.Method(http.MethodGet, "/api", handleOpenAPI(cat, cfg.Version, logger))
		r.Route("/collections", func(r chi.Router) {
			r.Method(http.MethodGet, "/", handleCollections(cat, logger))
			r.Route("/{collectionId}", func(r chi.Router) {
				r.Method(http.MethodGet, "/", handleCollection(cat, logger))
				r.Method(http.MethodGet, "/queryables", handleQueryables(cat, logger))
				r.Method(http.MethodGet, "/items", handleItems(svc, cat, logger))
				r.Method(http.MethodGet, "/items/{featureId}", handleItem(svc, cat, logger))
			})
		})
	})

	r.With(compress).Method(http.MethodGet, "/*", handleWeb(cfg.Web))
	return r
}
