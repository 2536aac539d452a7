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
// # Caching
//
// Responses under /ogc are cached in memory (cache.go): an LRU bounded by bytes, keyed by the
// data generation the store reports (generations.go asks at most once a second), the request's
// scheme, host, path and canonical query string. A change of generation makes every older entry
// unreachable. Cached responses carry a strong ETag derived from the key and the version
// (etag.go), answer If-None-Match with 304, and are served with one map lookup and one write.
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
