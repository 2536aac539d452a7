package readers

import (
	"fmt"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/textio"
)

// Warnings says what looks wrong in an import of assets that loaded, once its assets are
// categorised: most assets without a name, or most in category "other", which is what a file
// whose names or types are in properties the presets do not know looks like. Each warning names
// the properties (or columns) the file has and the -columns field to set.
func Warnings(im *spatlas.Import) []string {
	n := len(im.Assets)
	if n == 0 {
		return nil
	}
	var noName, other int
	for _, a := range im.Assets {
		if a.Name == "" {
			noName++
		}
		if a.Category == taxonomy.Other {
			other++
		}
	}
	fields := "its fields are not known"
	if len(im.Fields) > 0 {
		fields = "the records have " + textio.QuoteList(im.Fields, 30)
	}
	var out []string
	if noName*2 > n {
		out = append(out, fmt.Sprintf("%d of %d assets loaded have no name: if the file has names, name the field with -columns name=FIELD (%s)",
			noName, n, fields))
	}
	if other*2 > n {
		out = append(out, fmt.Sprintf("%d of %d assets loaded are in category \"other\": name the field that holds their type with -columns category=FIELD, or give every asset one with -category (%s)",
			other, n, fields))
	}
	return out
}
