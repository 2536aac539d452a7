// Package app is spatlas's application layer: every use case (load the editions, build the
// metrics, import one provision file, and the analysis behind the API) is a function here over
// the interfaces it needs, so that commands and HTTP handlers only parse, call and print.
//
// It knows which files each edition and provision source is built from (the dataset folders of a
// data directory laid out like the shared data: imd2019/, lsoa2011-boundaries/, ...), reads them
// with the reader packages, checksums them for provenance, and streams them to the store.
package app
