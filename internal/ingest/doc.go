// Package ingest reads the source datasets spatlas is built from into domain types: the
// deprivation files of each Indices of Deprivation release (the official MHCLG CSV layouts, the
// snake_case tables derived from them, and mySociety's composite UK IMD for IoD2019 scores), the
// geography lookups and census population tables, and the LSOA boundary files (GeoJSON).
//
// Readers take an io.Reader and a file name and check what they read: every error they return is a
// *spatlas.Error naming the file and the line or feature at fault, so that a bad download stops a
// load with a message the user can act on. Open opens a file, gunzipping it when it is gzipped.
// Nothing here talks to the database; the store loads what these readers return.
package ingest
