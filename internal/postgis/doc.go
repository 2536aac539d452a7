// Package postgis is spatlas's store: one PostGIS database, split by the stage that writes or
// reads it. [DB] embeds one type per stage, so a caller holds one value with every method:
//
//   - pgdb: the pool, the schema (embedded goose migrations), advisory locks, the data
//     generation and readiness, and the statement helpers every stage uses.
//   - editions: loading an edition (deprivation, boundaries, lookups), swapped in within one
//     transaction.
//   - provision: importing community assets and link worker services, file by file.
//   - build: the need-versus-provision metrics of an edition, stage by stage.
//   - reads: the OGC API features and the analyses (area profiles, underserved areas,
//     inequality rows, downloads).
//
// Each stage embeds its own sql/ folder, one statement or query per file with its values bound as
// $n or named (@name); trivial one-line statements (ANALYZE, DROP, a GiST index, deleting an
// edition's rows) are written by pgdb's helpers with their table names quoted as identifiers.
// Spatial work (reprojection, validation, dissolves, generalisation, GeoJSON serialisation) is
// done by PostGIS; one SQL function, spatlas_feature, writes every GeoJSON Feature. The rules of
// METHODS.md that are not SQL (aggregation, publishing, disclosure control) are package publish's;
// the build calls them.
package postgis
