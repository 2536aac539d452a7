// Package postgis is spatlas's store: the PostGIS schema (embedded goose migrations), the
// loader that swaps a whole edition in within one transaction, and the queries behind the OGC API.
//
// Every SQL statement is an embedded file under sql/ with its values bound as $n. Spatial work
// (reprojection, validation, dissolves, generalisation, GeoJSON serialisation) is done by PostGIS.
package postgis
