// Package server is the HTTP face of spatlas: OGC API - Features (Part 1 Core, GeoJSON and
// OpenAPI 3.0 conformance classes) under /ogc, health and readiness probes, the small
// configuration endpoint the map reads at /api/config, and the built front end at /.
//
// # Layout
//
// Every route is declared in routes.go. Handlers are maker functions returning http.Handler and
// take only what they use; the package keeps no mutable state outside the handler New returns.
// Application errors (spatlas.Error) are mapped to HTTP statuses in one place, errors.go.
//
// # Caching
//
// Responses under /ogc are cached in memory (cache.go): an LRU bounded by bytes, keyed by the
// data generation the store reports, the request's scheme, host, path and canonical query string.
// A change of generation makes every older entry unreachable. Cached responses carry a strong
// ETag and are served with one map lookup and one write; gzip and identity forms are kept side
// by side so a hit never compresses.
package server
