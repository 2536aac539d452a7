// Package textio is the plumbing every reader of spatlas's source files shares: Open opens a
// file, gunzipping it on the fly when it starts with the gzip magic number whatever its name
// (IsGzip is the one test for it); Checksum gives a file's sha256 and size for provenance and for
// skipping unchanged inputs; Decode reads text in any common encoding as UTF-8 (UTF-8 with or
// without a byte order mark, UTF-16, Windows-1252, told from the bytes or named), stopping at a
// byte that is not text with the file, line and column; CSVReader reads a CSV file as
// spreadsheets and R export it (byte order mark, CR LF and CR CR LF line endings, numbers with
// thousands separators, any separator, with or without a header row: CSVOptions), keeping each
// record's line, and SniffSeparator tells , ; tab | and ¬ apart; ReadTable reads chosen columns
// of a CSV file into a Table.
//
// Every error is a *spatlas.Error naming the file, and the line where there is one, so that a bad
// download stops a load with a message the user can act on. The readers of the formats
// themselves (ingest, tabular, linkworkers, geoassets, oruk) build on this package; it knows
// nothing of them.
package textio
