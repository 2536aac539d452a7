package geoassets

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

func TestRealFiles(t *testing.T) {
	dir := testenv.DataDir(t)
	tests := []struct {
		dataset, file string
		read          func(*os.File, Options) (*spatlas.Import, error)
		rows, assets  int
		areas         int // assets with an area
		unnamed       int // assets without a name
		check         func(t *testing.T, im *spatlas.Import)
	}{
		{dataset: "osm-norwich-2019", file: "learn.geojson", read: osmFile, rows: 19, assets: 19,
			check: func(t *testing.T, im *spatlas.Import) {
				_, a := outcome(im, "node/299412199")
				if a == nil || a.Name != "Norfolk and Norwich Millennium Library" || a.Hints.Tags["amenity"] != "library" ||
					a.Postcode != "NR2 1AW" || a.Address != "The Forum, Millennium Plain, Norwich" || a.Row != 1 ||
					!near(a.Loc.X, 1.2909467) || !near(a.Loc.Y, 52.6277308) {
					t.Errorf("node/299412199: %+v", a)
				}
				if _, ok := a.Hints.Tags["mapFeature"]; ok {
					t.Error("mapFeature is among the tags")
				}
				for _, a := range im.Assets {
					if a.Hints.Tags["amenity"] != "library" {
						t.Errorf("%s: amenity %q", a.SourceID, a.Hints.Tags["amenity"])
					}
				}
			}},
		{dataset: "osm-norwich-2019", file: "enjoy.geojson", read: osmFile, rows: 765, assets: 765, unnamed: 561,
			check: func(t *testing.T, im *spatlas.Import) {
				leisure := map[string]int{}
				for _, a := range im.Assets {
					leisure[a.Hints.Tags["leisure"]]++
				}
				for k, n := range map[string]int{"pitch": 298, "playground": 139, "park": 69, "garden": 56, "sports_centre": 31, "fitness_centre": 22} {
					if leisure[k] != n {
						t.Errorf("leisure=%s: %d, want %d", k, leisure[k], n)
					}
				}
			}},
		{dataset: "osm-norwich-2019", file: "help-services.geojson", read: osmFile, rows: 7, assets: 7, unnamed: 1},
		{dataset: "greater-manchester-assets", file: "gm_food_banks.geojson", read: geojsonFile, rows: 171, assets: 171,
			check: func(t *testing.T, im *spatlas.Import) {
				a := im.Assets[0]
				if a.Name != "BRASS Bolton" || a.Postcode != "BL3 2HP" || a.Address != "The Lodge, Green Lane, Bolton" ||
					a.URL != "http://brassbolton.org/index.php/en/" || a.SourceID != "" || a.Loc.X != -2.4180017 {
					t.Errorf("first food bank: %+v", a)
				}
			}},
		{dataset: "greater-manchester-assets", file: "gm_libraries.geojson", read: geojsonFile, rows: 141, assets: 141,
			check: func(t *testing.T, im *spatlas.Import) {
				labels := map[string]int{}
				for _, a := range im.Assets {
					if len(a.Hints.Labels) != 1 || a.Postcode == "" || a.Address == "" || a.Name == "" {
						t.Errorf("row %d: %+v", a.Row, a)
						continue
					}
					labels[a.Hints.Labels[0]]++
				}
				if labels["Local authority run library"] == 0 {
					t.Errorf("labels %v: no Local authority run library", labels)
				}
				t.Logf("library types: %v", labels)
			}},
		{dataset: "greater-manchester-assets", file: "gm_places_of_worship_RAW.geojson", read: geojsonFile,
			rows: 1620, assets: 1620, areas: 1620, unnamed: 458,
			check: func(t *testing.T, im *spatlas.Import) {
				outside := 0
				for _, a := range im.Assets {
					g, err := wkb.Unmarshal(a.Loc.Area)
					if err != nil {
						t.Fatalf("row %d: %v", a.Row, err)
					}
					if _, ok := g.(orb.Polygon); !ok {
						t.Fatalf("row %d: a %s", a.Row, g.GeoJSONType())
					}
					if !g.Bound().Contains(orb.Point{a.Loc.X, a.Loc.Y}) {
						t.Errorf("row %d: point %v, %v outside the polygon's bounds", a.Row, a.Loc.X, a.Loc.Y)
					}
					if !inside(g, orb.Point{a.Loc.X, a.Loc.Y}) {
						outside++
					}
					if len(a.SourceID) != 36 || len(a.Hints.Labels) != 1 || a.Hints.Labels[0] != "Place Of Worship" {
						t.Errorf("row %d: id %q, labels %v", a.Row, a.SourceID, a.Hints.Labels)
					}
				}
				if outside > 0 {
					t.Errorf("%d of %d points fall outside their building", outside, len(im.Assets))
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.dataset, tt.file)
			im := mustRead(t, tt.read, path, Options{Dataset: tt.dataset})
			areas, unnamed := 0, 0
			for _, a := range im.Assets {
				if a.Loc.Area != nil {
					areas++
				}
				if a.Name == "" {
					unnamed++
				}
				if a.Dataset != tt.dataset || a.File != tt.file || a.Loc.SRID != 4326 || a.Category != "" {
					t.Errorf("row %d: %+v", a.Row, a)
				}
			}
			if im.RowsRead != tt.rows || len(im.Assets) != tt.assets || areas != tt.areas || unnamed != tt.unnamed {
				t.Errorf("rows %d, assets %d, areas %d, unnamed %d; want %d, %d, %d, %d (rejected %v, unlocated %v)",
					im.RowsRead, len(im.Assets), areas, unnamed, tt.rows, tt.assets, tt.areas, tt.unnamed, im.Rejected, im.Unlocated)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if im.Source.Bytes != fi.Size() {
				t.Errorf("source bytes %d, file size %d", im.Source.Bytes, fi.Size())
			}
			t.Logf("%s: rows %d, assets %d (areas %d, unnamed %d), rejected %d, unlocated %d",
				tt.file, im.RowsRead, len(im.Assets), areas, unnamed, len(im.Rejected), len(im.Unlocated))
			if tt.check != nil {
				tt.check(t, im)
			}

		})
	}
}

// The Norwich files read as plain GeoJSON too: nothing is lost, but the tags are not hints.
func TestRealOSMAsPlainGeoJSON(t *testing.T) {
	dir := testenv.DataDir(t)
	im := mustRead(t, geojsonFile, filepath.Join(dir, "osm-norwich-2019", "enjoy.geojson"), Options{})
	if im.RowsRead != 765 || len(im.Assets) != 765 {
		t.Errorf("rows %d, assets %d", im.RowsRead, len(im.Assets))
	}
	for _, a := range im.Assets {
		if a.Hints.Tags != nil || a.SourceID == "" {
			t.Fatalf("row %d: id %q, tags %v", a.Row, a.SourceID, a.Hints.Tags)
		}
	}
}

func BenchmarkReadPlacesOfWorship(b *testing.B) {
	path := filepath.Join(testenv.DataDir(b), "greater-manchester-assets", "gm_places_of_worship_RAW.geojson")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadGeoJSON(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
