package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

func TestBoundaryFiles(t *testing.T) {
	dir := filepath.Join("testdata", "boundaries", "dir")
	links := t.TempDir()
	target, err := filepath.Abs(filepath.Join("testdata", "boundaries", "bng.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(links, "LINK.GeoJSON")); err != nil {
		t.Fatal(err)
	}
	dangling := t.TempDir()
	if err := os.Symlink(filepath.Join(dangling, "gone.json"), filepath.Join(dangling, "x.json")); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want []string
		err  []string
	}{
		{name: "a file", path: filepath.Join(dir, "README.md"), want: []string{filepath.Join(dir, "README.md")}},
		{name: "a directory: sorted, other files and subdirectories left out", path: dir,
			want: []string{filepath.Join(dir, "a.json.gz"), filepath.Join(dir, "a2.geojson.gz"), filepath.Join(dir, "b.geojson"), filepath.Join(dir, "c.json")}},
		{name: "a link to a file", path: links, want: []string{filepath.Join(links, "LINK.GeoJSON")}},
		{name: "a dangling link", path: dangling, err: []string{filepath.Join(dangling, "x.json"), "no such file"}},
		{name: "no boundary files", path: empty, err: []string{empty, "holds no .geojson or .json files"}},
		{name: "missing", path: filepath.Join(empty, "nope"), err: []string{filepath.Join(empty, "nope")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BoundaryFiles(tt.path)
			if tt.err != nil {
				testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.err...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("files = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadBoundaries(t *testing.T) {
	lsoa11 := BoundaryFields{Code: []string{"LSOA11CD"}, Name: []string{"LSOA11NM"}}
	crs84 := []featureProps{
		{Boundary: spatlas.Boundary{Code: "E01014540", Name: "Bristol, City of 001A", SRID: 4326, Feature: 1}, Props: map[string]string{
			"LSOA11CD": "E01014540", "LSOA11NM": "Bristol, City of 001A", "POP": "1523", "AREA": "0.25e2", "NOTE": "", "FLAG": "true"}},
		{Boundary: spatlas.Boundary{Code: "E01014541", Name: `Café "Quarter" 001B`, SRID: 4326, Feature: 2}, Props: map[string]string{
			"LSOA11CD": "E01014541", "LSOA11NM": `Café "Quarter" 001B`, "POP": "-0", "NOTE": `a\b/c`}},
		{Boundary: spatlas.Boundary{Code: "E01014542", Name: "Bristol 001C", SRID: 4326, Feature: 3}, Props: map[string]string{
			"LSOA11CD": "E01014542", "LSOA11NM": "Bristol 001C"}},
	}
	tests := []struct {
		name   string
		file   string
		fields BoundaryFields
		want   []featureProps
	}{
		{"legacy crs CRS84", "crs84.geojson", lsoa11, crs84},
		{"gzipped", "crs84.geojson.gz", lsoa11, crs84},
		{"EPSG:27700", "bng.geojson", BoundaryFields{Code: []string{"LSOA21CD"}, Name: []string{"LSOA21NM"}}, []featureProps{
			{Boundary: spatlas.Boundary{Code: "E01000001", Name: "City of London 001A", SRID: 27700, Feature: 1}, Props: map[string]string{
				"LSOA21CD": "E01000001", "LSOA21NM": "City of London 001A", "BNG_E": "532123", "BNG_N": "181613"}},
			{Boundary: spatlas.Boundary{Code: "E01000002", Name: "City of London 001B", SRID: 27700, Feature: 2}, Props: map[string]string{
				"LSOA21CD": "E01000002", "LSOA21NM": "City of London 001B"}},
		}},
		{"no crs, members in any order, first code field present", "nocrs.geojson", BoundaryFields{Code: []string{"code", "lsoa21cd"}, Name: []string{"name"}}, []featureProps{
			{Boundary: spatlas.Boundary{Code: "E01011264", Name: "Leeds 001A", SRID: 4326, Feature: 1}, Props: map[string]string{
				"code": "E01011264", "name": "Leeds 001A", "lad": `{"code": "E08000035"}`, "tags": `["a", 1]`}},
			{Boundary: spatlas.Boundary{Code: "E01011265", Name: "Leeds 001B", SRID: 4326, Feature: 2}, Props: map[string]string{
				"lsoa21cd": "E01011265", "code": "", "name": "Leeds 001B"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("testdata", "boundaries", tt.file)
			wkbs := fixtureWKBs(t, path)
			rc, err := textio.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var got []featureProps
			err = readBoundaries(path, rc, tt.fields, func(b spatlas.Boundary, props map[string]string) error {
				got = append(got, featureProps{b, maps.Clone(props)})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d features, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Code != w.Code || g.Name != w.Name || g.SRID != w.SRID || g.Feature != w.Feature || g.File != path {
					t.Errorf("feature %d = {%q %q SRID %d feature %d %q}, want {%q %q SRID %d feature %d %q}",
						i+1, g.Code, g.Name, g.SRID, g.Feature, g.File, w.Code, w.Name, w.SRID, w.Feature, path)
				}
				if !maps.Equal(g.Props, w.Props) {
					t.Errorf("feature %d properties = %q, want %q", i+1, g.Props, w.Props)
				}
				if !bytes.Equal(g.WKB, wkbs[i]) {
					t.Errorf("feature %d WKB differs from orb's\n got %x\nwant %x", i+1, g.WKB, wkbs[i])
				}
			}
			// Each feature's WKB is its own: the encoder's buffer is not shared.
			if &got[0].WKB[0] == &got[1].WKB[0] || bytes.Equal(got[0].WKB, got[1].WKB) {
				t.Errorf("features 1 and 2 share their WKB")
			}
		})
	}
}

// featureProps is a boundary with the properties readBoundaries read with it.
type featureProps struct {
	spatlas.Boundary
	Props map[string]string
}

// fixtureWKBs is each feature's geometry as orb encodes it, read with encoding/json.
func fixtureWKBs(tb testing.TB, path string) [][]byte {
	tb.Helper()
	var fc struct {
		Features []struct{ Geometry json.RawMessage }
	}
	if err := json.Unmarshal(readAllFile(tb, path), &fc); err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, f := range fc.Features {
		out = append(out, orbWKB(tb, f.Geometry))
	}
	return out
}

// feature is a valid Feature object with the given code.
func feature(code string) string {
	return `{"type":"Feature","properties":{"code":"` + code + `"},"geometry":{"type":"Polygon","coordinates":[` + square + `]}}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + "]}\n"
}

func TestReadBoundariesErrors(t *testing.T) {
	polygon := `{"type":"Polygon","coordinates":[` + square + `]}`
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", []string{"f.geojson: the file is empty"}},
		{"blank", " \n\t\n", []string{"f.geojson: the file is empty"}},
		{"not JSON", "code,name\nE01000001,x\n", []string{"f.geojson: not valid GeoJSON: line 1, column 1: want '{'"}},
		{"an array", "[" + feature("E01000001") + "]", []string{"f.geojson: not valid GeoJSON: line 1, column 1"}},
		{"a Feature", feature("E01000001"), []string{`f.geojson: type is "Feature", want FeatureCollection`}},
		{"a geometry", polygon, []string{`f.geojson: type is "Polygon", want FeatureCollection`}},
		{"no type", `{"features":[` + feature("E01000001") + `]}`, []string{"f.geojson: not a GeoJSON FeatureCollection"}},
		{"no features member", `{"type":"FeatureCollection"}`, []string{"f.geojson: not a GeoJSON FeatureCollection"}},
		{"no features", `{"type":"FeatureCollection","features":[]}`, []string{"f.geojson: the FeatureCollection has no features"}},
		{"two features members", `{"type":"FeatureCollection","features":[` + feature("E01000001") + `],"features":[]}`, []string{"two features members"}},
		{"no code property", collection(feature("E01000001"), `{"type":"Feature","properties":{"name":"x"},"geometry":`+polygon+`}`),
			[]string{"f.geojson: feature 2: no code property (looked for code, lsoa21cd)"}},
		{"null properties", collection(`{"type":"Feature","properties":null,"geometry":` + polygon + `}`), []string{"feature 1: no code property"}},
		{"empty code", collection(`{"type":"Feature","properties":{"code":""},"geometry":` + polygon + `}`), []string{"feature 1: no code property"}},
		{"null geometry", collection(`{"type":"Feature","properties":{"code":"E01000001"},"geometry":null}`), []string{"f.geojson: feature 1 (E01000001): no geometry"}},
		{"no geometry", collection(`{"type":"Feature","properties":{"code":"E01000001"}}`), []string{"f.geojson: feature 1 (E01000001): no geometry"}},
		{"point", collection(feature("E01000001"), `{"type":"Feature","properties":{"code":"E01000002"},"geometry":{"type":"Point","coordinates":[1,2]}}`),
			[]string{`f.geojson: feature 2 (E01000002): geometry: a "Point" geometry, want Polygon or MultiPolygon`}},
		{"point before the properties", collection(`{"type":"Feature","geometry":{"coordinates":[1,2],"type":"Point"},"properties":{"code":"E01000001"}}`),
			[]string{`f.geojson: feature 1: geometry: a "Point" geometry`}},
		{"ring not closed", collection(`{"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}`),
			[]string{"f.geojson: feature 1 (E01000001): geometry: ring 1 is not closed"}},
		{"two geometries", collection(`{"type":"Feature","properties":{"code":"E01000001"},"geometry":` + polygon + `,"geometry":null}`), []string{"feature 1 (E01000001): the feature has two geometries"}},
		{"feature type", collection(`{"type":"feature","properties":{"code":"E01000001"},"geometry":` + polygon + `}`), []string{`feature 1 (E01000001): type is "feature", want Feature`}},
		{"not an object", collection(feature("E01000001"), "7"), []string{"f.geojson: feature 2: not valid GeoJSON: line 2, column 1: want '{'"}},
		{"syntax error in feature 2", collection(feature("E01000001"), strings.Replace(feature("E01000002"), "[1,0]", "[1 0]", 1)),
			[]string{"f.geojson: feature 2 (E01000002): not valid GeoJSON: line 2, column 107: want , or ] in an array"}},
		{"unsupported crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[` + feature("E01000001") + `]}`,
			[]string{`f.geojson: unsupported CRS "urn:ogc:def:crs:EPSG::3857" (use CRS84, EPSG:4326 or EPSG:27700)`}},
		{"crs after the features", `{"type":"FeatureCollection","features":[` + feature("E01000001") + `],"crs":{"type":"name","properties":{"name":"EPSG:27700"}}}`,
			[]string{"f.geojson: the crs member must come once, before the features"}},
		{"data after the end", collection(feature("E01000001")) + "{}", []string{"f.geojson: line 2, column 1: data after the end of the GeoJSON object"}},
		{"invalid UTF-8 property", collection(`{"type":"Feature","properties":{"code":"E01000001","name":"a` + "\xff" + `b"},"geometry":` + polygon + `}`),
			[]string{`f.geojson: feature 1 (E01000001): property "name": the text "a\xffb" is not valid UTF-8`}},
		{"NUL in a property", collection(`{"type":"Feature","properties":{"code":"E01000001","name":"a\u0000b"},"geometry":` + polygon + `}`),
			[]string{`feature 1 (E01000001): property "name": the text "a\x00b" holds a NUL character`}},
		{"nested too deeply", collection(`{"type":"Feature","properties":{"code":"E01000001","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`),
			[]string{"feature 1 (E01000001): not valid GeoJSON: line 1, column 604: arrays and objects nest more than 512 deep"}},
		{"bad literal", collection(`{"type":"Feature","properties":{"code":"E01000001","n":nan},"geometry":` + polygon + `}`),
			[]string{"feature 1 (E01000001): not valid GeoJSON: line 1, column 96: want a value"}},
	}
	fields := BoundaryFields{Code: []string{"code", "lsoa21cd"}, Name: []string{"name"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readBoundaries("f.geojson", strings.NewReader(tt.text), fields, func(spatlas.Boundary, map[string]string) error { return nil })
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}

func TestReadBoundariesTruncated(t *testing.T) {
	path := filepath.Join("testdata", "boundaries", "crs84.geojson")
	text := string(readAllFile(t, path))
	after := func(sub string, k int) int {
		t.Helper()
		i := strings.Index(text, sub)
		if i < 0 {
			t.Fatalf("%q is not in %s", sub, path)
		}
		return i + k
	}
	end1 := after(`] ] ] } }`, len(`] ] ] } }`))
	tests := []struct {
		name string
		cut  int
		want string
	}{
		{"in the crs", after(`OGC:1.3`, 0), "f.geojson: the file ends early (truncated GeoJSON)"},
		{"in the features member name", after(`"features"`, 4), "f.geojson: the file ends early"},
		{"in feature 1's properties", after(`"POP": 1523`, 0), "f.geojson: feature 1 (E01014540): the file ends early (truncated GeoJSON)"},
		{"in a coordinate", after(`-2.59, 51.51`, 5), "f.geojson: feature 1 (E01014540): the file ends early (truncated GeoJSON)"},
		{"after a coordinate", after(`-2.59, 51.51`, 12), "f.geojson: feature 1 (E01014540): the file ends early"},
		{"in a 3D coordinate", after(`12.5`, 2), "f.geojson: feature 2 (E01014541): the file ends early"},
		{"in a word", after(`"FLAG": tr`, len(`"FLAG": tr`)), "f.geojson: feature 1 (E01014540): the file ends early"},
		{"in an escape", after(`Caf\u00`, len(`Caf\u00`)), "f.geojson: feature 2 (E01014541): the file ends early"},
		{"after feature 1", end1, "f.geojson: after feature 1: the file ends early (truncated GeoJSON)"},
		{"between features", end1 + 2, "f.geojson: after feature 1: the file ends early"},
		{"before the end of the features", len(text) - 4, "f.geojson: after feature 3: the file ends early"},
		{"before the closing brace", len(text) - 2, "f.geojson: after feature 3: the file ends early (truncated GeoJSON)"},
	}
	fields := BoundaryFields{Code: []string{"LSOA11CD"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readBoundaries("f.geojson", strings.NewReader(text[:tt.cut]), fields, func(spatlas.Boundary, map[string]string) error { return nil })
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want)
		})
	}
	t.Run("geometry before the properties", func(t *testing.T) {
		text := string(readAllFile(t, filepath.Join("testdata", "boundaries", "nocrs.geojson")))
		cut := strings.Index(text, "[-1.4, 53.9]")
		err := readBoundaries("f.geojson", strings.NewReader(text[:cut]), fields, func(spatlas.Boundary, map[string]string) error { return nil })
		testenv.ErrorMentions(t, err, spatlas.EINVALID, "f.geojson: feature 1: the file ends early (truncated GeoJSON)")
	})
	t.Run("gzip", func(t *testing.T) {
		gz := readFile(t, filepath.Join("testdata", "boundaries", "crs84.geojson.gz"))
		cut := filepath.Join(t.TempDir(), "cut.geojson.gz")
		if err := os.WriteFile(cut, gz[:len(gz)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		err := ReadBoundaries(cut, fields, func(spatlas.Boundary) error { return nil })
		testenv.ErrorMentions(t, err, spatlas.EINVALID, cut, "truncated gzip data")
	})
}

func TestReadBoundariesCallbackError(t *testing.T) {
	stop := errors.New("stop")
	tests := []struct {
		name string
		err  error
	}{
		{"plain", stop},
		{"wrapped", fmt.Errorf("store: %w", stop)},
		{"application error", spatlas.Errorf(spatlas.EUNAVAILABLE, "database gone")},
	}
	path := filepath.Join("testdata", "boundaries", "crs84.geojson")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []int
			err := ReadBoundaries(path, BoundaryFields{Code: []string{"LSOA11CD"}}, func(b spatlas.Boundary) error {
				seen = append(seen, b.Feature)
				if b.Feature == 2 {
					return tt.err
				}
				return nil
			})
			if err != tt.err || !errors.Is(err, tt.err) {
				t.Errorf("error = %v, want %v unchanged", err, tt.err)
			}
			if !slices.Equal(seen, []int{1, 2}) {
				t.Errorf("fn saw features %v, want [1 2]", seen)
			}
		})
	}
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestRealBoundaryDatasets reads every file of the real boundary datasets and checks the counts
// their provenance notes give.
func TestRealBoundaryDatasets(t *testing.T) {
	tests := []struct {
		dataset           string
		code              string
		files             int
		polygons, multis  int
		firstCode, inName string
	}{
		{"lsoa2011-boundaries", "LSOA11CD", 326, 32280, 564, "E01011949", "Hartlepool 009A"},
		{"lsoa2021-boundaries-bgc", "LSOA21CD", 318, 34863, 809, "E01011949", "Hartlepool 009A"},
		{"lsoa2021-boundaries", "lsoa21_code", 1, 0, 35672, "E01000001", "City of London 001A"},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			files, err := BoundaryFiles(depDataset(t, tt.dataset))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != tt.files {
				t.Errorf("%d files, want %d", len(files), tt.files)
			}
			fields := BoundaryFields{Code: []string{tt.code}, Name: []string{"LSOA11NM", "LSOA21NM", "lsoa21_name"}}
			codes := map[string]bool{}
			types := map[uint32]int{}
			var first spatlas.Boundary
			for _, f := range files {
				err := ReadBoundaries(f, fields, func(b spatlas.Boundary) error {
					if len(codes) == 0 {
						first = b
					}
					codes[b.Code] = true
					types[binary.LittleEndian.Uint32(b.WKB[1:])]++
					if b.SRID != 4326 || !validLSOACode(b.Code) || b.Name == "" {
						t.Errorf("%s feature %d: code %q, name %q, SRID %d", f, b.Feature, b.Code, b.Name, b.SRID)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := tt.polygons + tt.multis; len(codes) != n || types[wkbPolygon]+types[wkbMultiPolygon] != n {
				t.Errorf("%d distinct codes in %d features, want %d", len(codes), types[wkbPolygon]+types[wkbMultiPolygon], n)
			}
			if types[wkbPolygon] != tt.polygons || types[wkbMultiPolygon] != tt.multis {
				t.Errorf("%d Polygons and %d MultiPolygons, want %d and %d", types[wkbPolygon], types[wkbMultiPolygon], tt.polygons, tt.multis)
			}
			if first.Code != tt.firstCode || first.Name != tt.inName || first.Feature != 1 {
				t.Errorf("first feature %s %q (number %d), want %s %q", first.Code, first.Name, first.Feature, tt.firstCode, tt.inName)
			}
		})
	}
}

// BenchmarkReadBoundaries reads the first 40 district files of lsoa2011-boundaries: "file" through
// ReadBoundaries (gunzip included), "parse" from the decompressed bytes in memory.
func BenchmarkReadBoundaries(b *testing.B) {
	files, err := BoundaryFiles(depDataset(b, "lsoa2011-boundaries"))
	if err != nil {
		b.Fatal(err)
	}
	files = files[:min(40, len(files))]
	fields := BoundaryFields{Code: []string{"LSOA11CD"}, Name: []string{"LSOA11NM"}}
	data := make([][]byte, len(files))
	var size int64
	for i, f := range files {
		data[i] = readAllFile(b, f)
		size += int64(len(data[i]))
	}
	count := func(n *int) func(spatlas.Boundary) error {
		return func(spatlas.Boundary) error { *n++; return nil }
	}
	b.Run("file", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			n := 0
			for _, f := range files {
				if err := ReadBoundaries(f, fields, count(&n)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			n := 0
			for i, f := range files {
				if err := readBoundaries(filepath.Base(f), bytes.NewReader(data[i]), fields, func(b spatlas.Boundary, _ map[string]string) error { return count(&n)(b) }); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
