// Package spatlas holds the domain of spatlas: deprivation editions, areas and their levels, the
// measures published for them, OGC API collections, and the application error type.
//
// It depends on nothing but the standard library and orb's geometry types. Adapters (the PostGIS
// store, the ingest formats, the HTTP server, the private database cluster) live in sibling
// packages and talk to each other only through the types declared here.
package spatlas
