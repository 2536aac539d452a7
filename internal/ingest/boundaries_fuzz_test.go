package ingest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// FuzzReadBoundaries checks that readBoundaries never panics, and either succeeds with features
// whose WKB orb reads back as a Polygon or MultiPolygon, or returns a *spatlas.Error naming the
// file.
func FuzzReadBoundaries(f *testing.F) {
	for _, seed := range boundarySeeds(f) {
		f.Add(seed)
	}
	fields := BoundaryFields{Code: []string{"LSOA11CD", "LSOA21CD", "code"}, Name: []string{"name"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := readBoundaries("fuzz.geojson", bytes.NewReader(data), fields, func(b spatlas.Boundary, _ map[string]string) error {
			n++
			if b.Code == "" || b.Feature != n || (b.SRID != 4326 && b.SRID != 27700) {
				t.Errorf("feature %d: code %q, number %d, SRID %d", n, b.Code, b.Feature, b.SRID)
			}
			g, err := wkb.Unmarshal(b.WKB)
			if err != nil {
				t.Fatalf("feature %d: orb cannot read the WKB %x: %v", n, b.WKB, err)
			}
			switch g.(type) {
			case orb.Polygon, orb.MultiPolygon:
			default:
				t.Errorf("feature %d: WKB of a %T", n, g)
			}
			return nil
		})
		if err == nil {
			if n == 0 {
				t.Errorf("no error and no features")
			}
			return
		}
		var se *spatlas.Error
		if !errors.As(err, &se) || se.Code != spatlas.EINVALID || !strings.HasPrefix(se.Message, "fuzz.geojson: ") {
			t.Errorf("error %#v is not an EINVALID *spatlas.Error naming the file", err)
		}
	})
}

// FuzzPolygonWKB checks polygonWKB against orb: what polygonWKB accepts, orb must read to the
// same WKB.
func FuzzPolygonWKB(f *testing.F) {
	for _, seed := range []string{
		`{"type":"Polygon","coordinates":[` + square + `]}`,
		`{"coordinates":[[` + square + `],[[[5,5],[6,5],[6,6],[5,5]]]],"type":"MultiPolygon","bbox":[0,0,6,6]}`,
		`{"type":"Polygon","coordinates":[[[0,0,1],[1e-7,-0],[1,1.5E+2],[0,0]]]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, _, err := polygonWKB(raw)
		if err != nil {
			return
		}
		if want := orbWKB(t, raw); !bytes.Equal(got, want) {
			t.Errorf("WKB of %s differs from orb's\n got %x\nwant %x", raw, got, want)
		}
	})
}

// boundarySeeds are the boundary fixtures, decompressed, and the texts of the error tests.
func boundarySeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var seeds [][]byte
	paths, err := filepath.Glob(filepath.Join("testdata", "boundaries", "*.geojson*"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no boundary fixtures: %v", err)
	}
	dir, err := BoundaryFiles(filepath.Join("testdata", "boundaries", "dir"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range append(paths, dir...) {
		seeds = append(seeds, readAllFile(tb, p))
	}
	seeds = append(seeds,
		[]byte(collection(feature("E01000001"), `{"type":"Feature","geometry":{"coordinates":[1,2],"type":"Point"},"properties":{"code":"E01000002"}}`)),
		[]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[`+feature("E01000001")+`]}`),
		[]byte(collection(`{"type":"Feature","properties":{"code":"E01000001","name":"a\u00e9\"b","n":-1.5e3,"x":null,"y":[true,false]},"geometry":null}`)),
	)
	return seeds
}
