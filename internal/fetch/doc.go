// Package fetch fills the spatlas data directory (SPATLAS_DATA) from the publishers of its
// datasets, as listed in a sources manifest (data/sources.json), and tells which datasets a data
// directory lacks.
//
// The data directory has one folder per dataset (imd2019/, lsoa2011-boundaries/, ...). A file of a
// dataset comes either from a direct URL, optionally one member of a zip archive, or from an ArcGIS
// REST FeatureServer layer read page by page with resultOffset and resultRecordCount and written
// as one GeoJSON FeatureCollection, or as a CSV of chosen fields for lookup tables. Names ending
// in .gz are written gzipped.
//
// Every file is downloaded to a temporary file in its dataset folder and renamed into place only
// once it is complete and matches the manifest's sha256, so an interrupted fetch never leaves a
// partial file under a real name. A FETCHED.json beside the files records where each came from,
// its sha256, size and time. A dataset folder that already holds data but no FETCHED.json was
// provided by the user (for example a copy of the shared data folders) and is left alone unless
// the fetch is forced.
//
// fetch.go fetches the datasets of a manifest, writes each file atomically and records it in
// FETCHED.json; download.go makes the HTTP requests, retrying transient failures, and classifies
// what goes wrong; arcgis.go pages through FeatureServer layers; manifest.go reads and checks the
// manifest; missing.go tells which datasets a data directory lacks. Whether a file is gzipped is
// decided by its first bytes, with textio.IsGzip, as everywhere else in spatlas.
package fetch
