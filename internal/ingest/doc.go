// Package ingest reads the source datasets an edition is built from into domain types: the
// deprivation files of each Indices of Deprivation release (the official MHCLG CSV layouts, the
// snake_case tables derived from them, and mySociety's composite UK IMD for IoD2019 scores), the
// census population tables, and the LSOA boundary files (GeoJSON), which it reads straight into
// spatlas.Boundary.
//
// ReadDeprivation recognises a deprivation file's layout by its header and reads it
// (deprivation.go); MergeDeprivation joins the files of one edition into one record per LSOA
// (merge.go); ReadCensusPopulation reads the census tables (census.go).
//
// Readers take an io.Reader and a file name and check what they read: every error they return is a
// *spatlas.Error naming the file and the line or feature at fault, so that a bad download stops a
// load with a message the user can act on. Opening (gzipped or not), checksums and CSV parsing
// come from package textio. Nothing here talks to the database; the store loads what these
// readers return.
//
// # Boundary geometry
//
// ReadBoundaries scans each file once with a small JSON scanner (jsonscan.go) that writes every
// geometry straight to WKB (geomwkb.go), checking that each ring has four positions or more and
// ends where it starts. Decoding with orb or go-geom and streaming the GeoJSON text to PostGIS's
// ST_GeomFromGeoJSON were measured against it on the England load (spatlas-bench -only
// boundaries, two runs of five rounds): as a median share of ogr2ogr's time, the scanner's stage
// took 0.29 and 0.45, the three others 1.07 to 1.46, so two and a half to five times as long,
// where the load's target is a third of ogr2ogr.
package ingest
