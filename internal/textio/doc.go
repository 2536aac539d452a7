// Package textio is the plumbing every reader of spatlas's source files shares: Open opens a
// file, gunzipping it on the fly when it starts with the gzip magic number whatever its name
// (IsGzip is the one test for it); Checksum gives a file's sha256 and size for provenance and for
// skipping unchanged inputs; CSVReader reads a CSV file as spreadsheets and R export it (byte
// order mark, CR LF and CR CR LF line endings, numbers with thousands separators), keeping each
// record's line; ReadTable reads chosen columns of a CSV file into a Table.
//
// Every error is a *spatlas.Error naming the file, and the line where there is one, so that a bad
// download stops a load with a message the user can act on. The readers of the formats
// themselves (ingest, tabular, linkworkers, geoassets, oruk) build on this package; it knows
// nothing of them.
package textio
