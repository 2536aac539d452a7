package data

import (
	"bytes"
	_ "embed"
)

//go:embed taxonomy.json
var taxonomy []byte

// Taxonomy returns a copy of the community asset category taxonomy (data/taxonomy.json), for
// taxonomy.Parse.
func Taxonomy() []byte { return bytes.Clone(taxonomy) }
