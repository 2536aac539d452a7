package readers

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/textio"
)

// TestSniffAllFormats tells the format of a fixture of every layout from its content alone.
func TestSniffAllFormats(t *testing.T) {
	tests := []struct{ file, content, format string }{
		{"featurecollection.geojson", ContentGeoJSON, "geojson"},
		{"feature.geojson", ContentGeoJSON, "geojson"},
		{"site-name.geojson", ContentGeoJSON, "geojson"},
		{"osmtogeojson.geojson", ContentOSM, "osm"},
		{"osm-highways.geojson", ContentOSM, "osm"},
		{"overpass.json", ContentOverpass, "overpass"},
		{"overpass-skel.json", ContentOverpass, "overpass"},
		{"oruk-list.json", ContentORUK, "oruk"},
		{"oruk-array.json", ContentORUK, "oruk"},
		{"oruk-page.json", ContentORUK, "oruk"},
		{"oruk-paged.json", ContentORUK, "oruk"},
		{"oruk-service.json", ContentORUK, "oruk"},
		{"oruk-single.json", ContentORUK, "oruk"},
		{"assets.csv", ContentCSV, "csv"},
		{"latin1.csv", ContentCSV, "csv"},
		{"semicolon.csv", ContentCSV, "csv"},
		{"tab.tsv", ContentCSV, "csv"},
		{"pipe.csv", ContentCSV, "csv"},
		{"notsign.csv", ContentCSV, "csv"},
		{"noheader.csv", ContentCSV, "csv"},
		{"epraccur.csv", ContentCSV, "csv"},
		{"utf16le.csv", ContentCSV, "csv"},
		{"utf16be.csv", ContentCSV, "csv"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			text, _, err := textio.Decode(tt.file, f, "")
			if err != nil {
				t.Fatal(err)
			}
			head, err := io.ReadAll(io.LimitReader(text, SniffSize))
			if err != nil {
				t.Fatal(err)
			}
			format, err := Detect(spatlas.KindAssets, tt.file, head)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if format.Content != tt.content || format.Name != tt.format {
				t.Errorf("read as %s (%s), want %s (%s)", format.Name, format.Content, tt.format, tt.content)
			}
		})
	}
}

// outcome is what a fixture reads as: the counts, and each loaded asset as "name: category".
type outcome struct {
	read, loaded, rejected, unlocated, excluded int
	assets                                      []string
	issues                                      []string // reasons, any order, each a substring
}

func readFixture(t *testing.T, file string, o Options) (*spatlas.Import, outcome) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o.File, o.Dataset = file, "d"
	im, _, err := Read(f, o)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	tx, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tx.Assign(im.Assets)
	got := outcome{read: im.RowsRead, loaded: len(im.Assets), rejected: len(im.Rejected), unlocated: len(im.Unlocated), excluded: len(im.Excluded)}
	for _, a := range im.Assets {
		got.assets = append(got.assets, a.Name+": "+a.Category)
	}
	for _, l := range [][]spatlas.RowIssue{im.Rejected, im.Unlocated, im.Excluded} {
		for _, x := range l {
			got.issues = append(got.issues, x.Reason)
		}
	}
	if n := got.loaded + got.rejected + got.unlocated + got.excluded; n != got.read {
		t.Errorf("%d rows read but %d accounted for", got.read, n)
	}
	return im, got
}

func TestReadFixtures(t *testing.T) {
	tests := []struct {
		file string
		o    Options
		want outcome
	}{
		{"latin1.csv", Options{}, outcome{read: 2, loaded: 2,
			assets: []string{"Café Crème: food", "St Mary’s Church Hall: faith-community"}}},
		{"semicolon.csv", Options{}, outcome{read: 2, loaded: 2,
			assets: []string{"Tea & Chat: social-groups", "Parkrun: physical-activity"}}},
		{"tab.tsv", Options{}, outcome{read: 2, loaded: 2,
			assets: []string{"Eaton Park: green-space", "Bowthorpe Road Allotments: green-space"}}},
		{"pipe.csv", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Norwich Foodbank: food"}}},
		{"notsign.csv", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Knit and Natter: arts-culture"}}},
		{"utf16le.csv", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Café Nero Chat Group: social-groups"}}},
		{"utf16be.csv", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Café Nero Chat Group: social-groups"}}},
		{"noheader.csv", Options{NoHeader: true, Mapping: tabular.Mapping{ID: "1", Name: "2", Category: "3", Lat: "4", Lon: "5"}},
			outcome{read: 2, loaded: 2, assets: []string{"Riverside Drop-in: mental-health", "Castle Gardens: green-space"}}},
		{"epraccur.csv", Options{}, outcome{read: 4, unlocated: 2, excluded: 2, issues: []string{
			"postcode only", "postcode only", "closed (C)", "not a GP practice: prescribing setting (0)"}}},
		{"site-name.geojson", Options{}, outcome{read: 3, loaded: 3, assets: []string{
			"Church Street Allotments: green-space", "Chapel Field Gardens: green-space", "St George's Green: green-space"}}},
		{"site-name.geojson", Options{Mapping: tabular.Mapping{Name: "ward"}}, outcome{read: 3, loaded: 3, assets: []string{
			"Mancroft: green-space", "Mancroft: green-space", "Nelson: green-space"}}},
		{"osm-highways.geojson", Options{}, outcome{read: 5, loaded: 2, excluded: 3,
			assets: []string{"Wensum Park: green-space", "The Forum Library: learning-work"},
			issues: []string{"not a place people go (highway=primary", "(waterway=river", "(railway=rail"}}},
		{"overpass-skel.json", Options{}, outcome{read: 5, loaded: 3, excluded: 2,
			assets: []string{"Waterloo Park: green-space", "Church Street Allotments: green-space", "St Augustine's Community Centre: faith-community"},
			issues: []string{"(highway=residential", "(waterway=river"}}},
		{"oruk-array.json", Options{}, outcome{read: 2, loaded: 2,
			assets: []string{"Men's Shed: social-groups", "Benefits advice: money-debt"}}},
		{"oruk-paged.json", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Chair yoga: physical-activity"}}},
		{"oruk-single.json", Options{}, outcome{read: 1, loaded: 1, assets: []string{"Carers' cafe: social-groups"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, got := readFixture(t, tt.file, tt.o)
			if got.read != tt.want.read || got.loaded != tt.want.loaded || got.rejected != tt.want.rejected ||
				got.unlocated != tt.want.unlocated || got.excluded != tt.want.excluded {
				t.Errorf("read %d: %d loaded, %d rejected, %d unlocated, %d excluded; want %d: %d, %d, %d, %d (%q)",
					got.read, got.loaded, got.rejected, got.unlocated, got.excluded,
					tt.want.read, tt.want.loaded, tt.want.rejected, tt.want.unlocated, tt.want.excluded, got.issues)
			}
			if !slices.Equal(got.assets, tt.want.assets) && !(len(got.assets) == 0 && len(tt.want.assets) == 0) {
				t.Errorf("assets %q, want %q", got.assets, tt.want.assets)
			}
			for _, want := range tt.want.issues {
				if !slices.ContainsFunc(got.issues, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("no issue with %q in %q", want, got.issues)
				}
			}
		})
	}
}
