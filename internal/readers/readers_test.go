package readers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestReadDetects(t *testing.T) {
	tests := []struct {
		path, kind, format string
		rows               int
	}{
		{"../geoassets/testdata/overpass.json", "", "overpass", 6},
		{"../geoassets/testdata/problems.geojson", "", "geojson", 16},
		{"../geoassets/testdata/bng.geojson", "", "geojson", 4},
		{"testdata/featurecollection.geojson", spatlas.KindAssets, "geojson", 1},
		{"testdata/osmtogeojson.geojson", "", "osm", 1},
		{"testdata/overpass.json", "", "overpass", 1},
		{"testdata/oruk-list.json", "", "oruk", 1},
		{"testdata/oruk-page.json", "", "oruk", 1},
		{"testdata/oruk-service.json", "", "oruk", 1},
		{"testdata/assets.csv", "", "csv", 1},
		{"testdata/bom-crlf.csv", "", "csv", 1},
		{"testdata/services.csv", spatlas.KindServices, "csv", 1},
		{"../linkworkers/testdata/services.geojson", spatlas.KindServices, "geojson", 6},
		{"testdata/osmtogeojson.geojson", spatlas.KindServices, "geojson", 1},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.path, func(t *testing.T) {
			f, err := os.Open(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			im, format, err := Read(f, Options{Kind: tt.kind, File: filepath.Base(tt.path)})
			if err != nil {
				t.Fatal(err)
			}
			if format.Name != tt.format || format.Kind != kindOr(tt.kind) || im.RowsRead != tt.rows {
				t.Errorf("format %s %s, rows %d; want %s, %d", format.Kind, format.Name, im.RowsRead, tt.format, tt.rows)
			}
		})
	}
}

func TestReadCannotTell(t *testing.T) {
	tests := []struct {
		name, kind, doc string
		want            []string
	}{
		{"other JSON", "", `{"name": "x"}`, []string{"x.dat: cannot tell the format from the content", "tried csv (",
			"oruk (Open Referral UK JSON", "-format csv, -format geojson, -format osm, -format overpass, -format oruk"}},
		{"binary", "", "PK\x03\x04\x14\x00", []string{"cannot tell the format", "overpass (Overpass API JSON)"}},
		{"Open Referral as services", spatlas.KindServices, `[{"id": "1"}]`, []string{
			"the content looks like oruk, which services files are not read from", "-format csv, -format geojson"}},
		{"empty", "", "\xef\xbb\xbf\n", []string{"x.dat: the file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(strings.NewReader(tt.doc), Options{Kind: tt.kind, File: "x.dat"})
			if spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestReadFormatOverrides(t *testing.T) {
	// A CSV named as GeoJSON is read as GeoJSON, and the GeoJSON reader says why it cannot.
	_, f, err := Read(strings.NewReader("name,lat\n"), Options{Format: "geojson", File: "a.csv"})
	if f.Name != "geojson" || err == nil || !strings.Contains(err.Error(), "a.csv: not valid JSON at byte 2") {
		t.Errorf("Read of a CSV as GeoJSON: %v, %v", f.Name, err)
	}
	if _, _, err := Read(strings.NewReader("name,lat\n"), Options{Format: "kml"}); spatlas.ErrorCode(err) != spatlas.EINVALID ||
		!strings.Contains(err.Error(), `format "kml": assets files are csv, geojson, osm, overpass, oruk`) {
		t.Errorf("unknown format: %v", err)
	}
	if _, _, err := Read(strings.NewReader("name,lat\n"), Options{Kind: spatlas.KindServices, Format: "osm"}); spatlas.ErrorCode(err) != spatlas.EINVALID {
		t.Errorf("osm services: %v", err)
	}
}
