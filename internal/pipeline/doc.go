// Package pipeline turns the dataset folders of a data directory (laid out like the shared data:
// imd2019/, lsoa2011-boundaries/, geography-lookups/, ...) into the EditionData the store loads:
// it knows which files each edition is built from, reads them with package ingest, checksums
// them for provenance, and streams the boundaries.
package pipeline
