// Package server is the HTTP face of spatlas: OGC API - Features (Part 1 Core, GeoJSON and
// OpenAPI 3.0 conformance classes) under /ogc, the analysis and provision endpoints under /api
// (area profiles, underserved areas, inequality, downloads, the data dictionary, datasets, load
// reports, categories and the map's configuration), health and readiness probes, and the built
// front end at /.
//
// # Layout
//
// Every route is declared in routes.go. Handlers are maker functions that take only what they
// use and return a handlerFunc, func(w, r) error; the package keeps no mutable state outside the
// handler New returns. Each handler parses, calls and writes: params.go and params_api.go check
// every parameter once and resolve the collection once (catalog.go), the use cases of
// internal/app compute, and the handler writes the result.
//
// # Errors
//
// A handler returns its error; errorAdapter (errors.go) writes it, the one place where an
// application error (spatlas.Error) becomes a status and a {"code","message"} JSON body.
// Internal errors are logged in full and shown as "internal error"; a request its client
// abandoned is aborted.
//
// A 503 always carries Retry-After. A request that finds no free database connection within
// the store's acquire timeout (its wait ends in context.DeadlineExceeded while the request
// itself is alive) is answered 503 "the server is busy". Messages repeat at most 200 characters
// of any value the client sent (clip), and a whole message is cut at 2,000.
//
// # Caching
//
// Responses under /ogc are cached in memory (cache.go): an LRU bounded by bytes, keyed by the
// data generation the store reports (generations.go asks at most once a second), the request's
// scheme, host, path and canonical query string. A change of generation makes every older entry
// unreachable. Cached responses carry a strong ETag derived from the key and the version
// (etag.go) and are served with one map lookup and one write. Only 200 responses are cached, so
// If-None-Match is weighed only for a request known to be valid and to name something: a hit
// answers 304 at once; on a miss the handler runs first, and a 200 whose ETag matches goes out
// as a 304 (its body is still cached). An unknown route, collection or item, or an invalid
// parameter, gets its 4xx whatever the request's validators.
//
// # Limits
//
// Nothing a client does can hold the database for long (limits.go):
//   - a GET, HEAD or OPTIONS request announcing a body (Content-Length above 0, or chunked) is
//     answered 400 at once and its connection closed; the http.Server of cmd/spatlas adds read,
//     header, write and idle timeouts;
//   - every handler computes its whole response before writing it; downloads are spooled
//     (spool.go: memory, then a temporary file) so their query ends before the first byte is
//     sent, and only Config.MaxDownloads are prepared or sent at once (others wait up to 5 s,
//     then 503), so a stalled reader holds a file, never a connection of the pool;
//   - each client address has a token bucket (Config.RateLimit a second, bursts of
//     Config.RateBurst; /healthz and /readyz are exempt); over it, 429 with Retry-After. The
//     address is the connection's: behind a proxy, limit at the proxy or turn this off.
//
// # Browser security and CORS
//
// Every response carries a strict Content-Security-Policy (security.go): scripts, styles,
// fonts and data from this origin only, no inline script or style (the map has none; a test
// checks index.html), images from this origin, data: URIs and the configured basemap's origin,
// no plugins, and frame-ancestors 'none' (with X-Frame-Options: DENY); also
// X-Content-Type-Options: nosniff, Referrer-Policy: strict-origin-when-cross-origin and
// Cross-Origin-Opener-Policy: same-origin. The built front end is served, but never a dotfile or
// anything under a dot folder.
//
// CORS: /api and /ogc serve open data and read no cookie or credential, so any origin may read
// them: GET and HEAD answers carry Access-Control-Allow-Origin: *, and preflight OPTIONS requests
// are answered for GET and HEAD. The map itself (/) and the probes send no CORS headers.
//
// # Observability
//
// Each request is logged with log/slog at Info: method, path, route pattern, status, bytes,
// duration, client address and request ID (middleware.go). With Config.Metrics set, Prometheus
// metrics are registered there (metrics.go): spatlas_http_request_duration_seconds by route
// pattern, method and status; the response cache's hits, misses, bytes and entries; and
// spatlas_build_duration_seconds, the last metrics build of each edition, read when scraped.
// cmd/spatlas adds the pool's use from pgxpool's statistics and serves them on a separate
// address, off by default.
//
// # Compression
//
// One path compresses every route: gzhttp (github.com/klauspost/compress) at level 5, gzip
// only, for bodies of 1 KiB or more (compress.go); BenchmarkCompress measures it against chi's
// middleware.Compress. On an /ogc miss the cache keeps both the body the handler wrote and the
// gzip bytes sent, so a hit writes stored bytes and never compresses; an entry first stored for
// a client that did not take gzip gains its gzip form once.
//
// # Version
//
// Config.Version, by default the binary's module version or VCS revision (version.go), is shown
// in the OpenAPI document, the landing page and /api/config, and is part of every ETag, so a new
// release never answers 304 for an older release's response.
package server
