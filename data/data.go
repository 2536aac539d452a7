// Package data holds the non-Go material spatlas ships with: the sources manifest that lists,
// for every dataset folder of the data directory, where its files come from.
//
// The data directory itself (SPATLAS_DATA, default data/raw) is not part of the repository.
package data

import (
	"bytes"
	_ "embed"
)

//go:embed sources.json
var sources []byte

// Sources returns a copy of the sources manifest (data/sources.json), for fetch.LoadManifest.
func Sources() []byte { return bytes.Clone(sources) }
