package readers

import (
	"path/filepath"
	"testing"

	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

// TestRealFiles reads real provision files as a user would, with nothing but the file: the
// format, encoding, separator and layout are told from the content.
func TestRealFiles(t *testing.T) {
	dir := testenv.DataDir(t)
	tests := []struct {
		path, format                                string
		read, loaded, unlocated, excluded, rejected int
		warnings                                    int
		reasons                                     map[string]int // some reasons, with their counts
	}{
		// NHS ODS epraccur has no header: its layout is recognised, active GP practices kept.
		{path: "gp-practices-epraccur-2025-09/epraccur_original_noheader.csv.gz", format: "csv",
			read: 16685, unlocated: 6618, excluded: 10067,
			reasons: map[string]int{"closed (C)": 4024, "dormant (D)": 218, "postcode only, no postcode lookup loaded": 6618}},
		{path: "osm-norwich-2019/enjoy.geojson", format: "osm", read: 765, loaded: 765, warnings: 1},
		{path: "osm-norwich-2019/learn.geojson", format: "osm", read: 19, loaded: 19},
		{path: "greater-manchester-assets/sports_facilities.csv", format: "csv", read: 314, loaded: 314},
		{path: "greater-manchester-assets/gm_food_banks.geojson", format: "geojson", read: 171, loaded: 171},
		{path: "greater-manchester-assets/charities_operating_in_trafford.csv", format: "csv", read: 736, unlocated: 736},
		{path: "england-libraries/libraries.csv", format: "csv", read: 3238, loaded: 3238},
	}
	tx, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, err := textio.Open(filepath.Join(dir, tt.path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			im, f, err := Read(r, Options{Dataset: "d", File: filepath.Base(tt.path)})
			if err != nil {
				t.Fatal(err)
			}
			tx.Assign(im.Assets)
			if f.Name != tt.format || im.RowsRead != tt.read || len(im.Assets) != tt.loaded || len(im.Unlocated) != tt.unlocated ||
				len(im.Excluded) != tt.excluded || len(im.Rejected) != tt.rejected {
				t.Errorf("%s: read %d: %d loaded, %d unlocated, %d excluded, %d rejected", f.Name, im.RowsRead,
					len(im.Assets), len(im.Unlocated), len(im.Excluded), len(im.Rejected))
			}
			counts := map[string]int{}
			for _, x := range append(append(im.Excluded, im.Unlocated...), im.Rejected...) {
				counts[x.Reason]++
			}
			for reason, n := range tt.reasons {
				if counts[reason] != n {
					t.Errorf("%d rows %q, want %d", counts[reason], reason, n)
				}
			}
			if w := Warnings(im); len(w) != tt.warnings {
				t.Errorf("warnings %q, want %d", w, tt.warnings)
			}
		})
	}
}
