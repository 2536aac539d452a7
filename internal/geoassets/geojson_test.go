package geoassets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// postcodes is a postcode lookup over a map, standing in for the user's ONS Postcode Directory.
type postcodes map[string][2]float64

func (p postcodes) Lookup(pc string) (lon, lat float64, ok bool) {
	ll, ok := p[strings.ToUpper(strings.ReplaceAll(pc, " ", ""))]
	return ll[0], ll[1], ok
}

func readFile(tb testing.TB, read func(*os.File, Options) (*spatlas.Import, error), path string, o Options) (*spatlas.Import, error) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if o.File == "" {
		o.File = filepath.Base(path)
	}
	return read(f, o)
}

func geojsonFile(f *os.File, o Options) (*spatlas.Import, error)  { return ReadGeoJSON(f, o) }
func osmFile(f *os.File, o Options) (*spatlas.Import, error)      { return ReadOSMGeoJSON(f, o) }
func overpassFile(f *os.File, o Options) (*spatlas.Import, error) { return ReadOverpass(f, o) }

// mustRead reads a file that must read without a file error.
func mustRead(tb testing.TB, read func(*os.File, Options) (*spatlas.Import, error), path string, o Options) *spatlas.Import {
	tb.Helper()
	im, err := readFile(tb, read, path, o)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	accounted(tb, im)
	return im
}

// accounted checks that every row read ends in exactly one of the lists, once.
func accounted(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	n := len(im.Assets) + len(im.Rejected) + len(im.Unlocated) + len(im.Excluded)
	if n != im.RowsRead {
		tb.Fatalf("%s: rows read %d, but %d assets + %d rejected + %d unlocated + %d excluded = %d",
			im.File, im.RowsRead, len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded), n)
	}
	seen := map[int]bool{}
	mark := func(row int) {
		if row < 1 || seen[row] {
			tb.Fatalf("%s: row %d is missing or appears twice", im.File, row)
		}
		seen[row] = true
	}
	for _, a := range im.Assets {
		mark(a.Row)
		if a.Category != "" && a.Hints.Category != a.Category {
			tb.Errorf("%s row %d: category %q but hint %q", im.File, a.Row, a.Category, a.Hints.Category)
		}
	}
	for _, l := range [][]spatlas.RowIssue{im.Rejected, im.Unlocated, im.Excluded} {
		for _, r := range l {
			mark(r.Row)
			if r.Reason == "" {
				tb.Errorf("%s row %d: no reason", im.File, r.Row)
			}
		}
	}
	if im.Source.Rows != int64(im.RowsRead) || len(im.Source.SHA256) != 64 {
		tb.Errorf("%s: source %+v", im.File, im.Source)
	}
}

// outcome finds what became of the row with source id id: "asset", or the reason it was
// rejected or unlocated, prefixed "rejected: " or "unlocated: ".
func outcome(im *spatlas.Import, id string) (string, *spatlas.Asset) {
	for i, a := range im.Assets {
		if a.SourceID == id {
			return "asset", &im.Assets[i]
		}
	}
	for _, r := range im.Rejected {
		if r.ID == id {
			return "rejected: " + r.Reason, nil
		}
	}
	for _, r := range im.Unlocated {
		if r.ID == id {
			return "unlocated: " + r.Reason, nil
		}
	}
	return "missing", nil
}

func TestReadGeoJSONFeatures(t *testing.T) {
	pc := postcodes{"M11AE": {-2.2307, 53.4771}}
	tests := []struct {
		name      string
		id        string
		postcodes spatlas.Postcodes
		want      string // "asset" or the start of "rejected: reason" / "unlocated: reason"
	}{
		{name: "point", id: "101", want: "asset"},
		{name: "latitude 100", id: "lat100", want: "rejected: latitude 100 is out of range"},
		{name: "zero zero", id: "zero", want: "rejected: coordinates are (0, 0)"},
		{name: "swapped", id: "swapped", want: "rejected: latitude and longitude look swapped"},
		{name: "line string", id: "line", want: "rejected: a LineString is not a place"},
		{name: "no geometry, no lookup", id: "nogeom", want: "unlocated: no geometry; postcode M1 1AE needs a postcode lookup"},
		{name: "no geometry, postcode found", id: "nogeom", postcodes: pc, want: "asset"},
		{name: "no geometry, postcode not found", id: "nothere", postcodes: pc, want: "unlocated: no geometry; postcode ZZ99 9ZZ is not in the postcode lookup"},
		{name: "polygon named Unknown", id: "pow1", want: "asset"},
		{name: "outside England and Wales", id: "paris", want: "rejected: longitude 2.3577, latitude 48.8336 is outside England and Wales"},
		{name: "Scotland", id: "scotland", want: "rejected: longitude -4.2376, latitude 55.8506 is outside England and Wales"},
		{name: "multipoint", id: "multi", want: "asset"},
		{name: "open ring", id: "open", want: "rejected: Polygon: ring 1 is not closed"},
		{name: "geometry collection", id: "gc", want: "rejected: a GeometryCollection is not supported"},
		{name: "multipolygon", id: "park", want: "asset"},
		{name: "not a feature", id: "thing", want: `rejected: not a GeoJSON Feature (type "Thing")`},
		{name: "point with one number", id: "shortpoint", want: "rejected: Point coordinates must be [longitude, latitude]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := mustRead(t, geojsonFile, "testdata/problems.geojson", Options{Dataset: "test", Postcodes: tt.postcodes})
			if im.RowsRead != 16 {
				t.Fatalf("rows read %d, want 16", im.RowsRead)
			}
			got, _ := outcome(im, tt.id)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("feature %s: got %q, want %q...", tt.id, got, tt.want)
			}
		})
	}
}

func TestReadGeoJSONFields(t *testing.T) {
	im := mustRead(t, geojsonFile, "testdata/problems.geojson", Options{Dataset: "test", Postcodes: postcodes{"M11AE": {-2.2307, 53.4771}}})
	tests := []struct {
		id   string
		want spatlas.Asset
		area string // the GeoJSON type of the area, "" for none
	}{
		{id: "101", want: spatlas.Asset{Row: 1, Name: "Manchester Central Library", Address: "St Peter's Square, Manchester",
			Postcode: "M2 5PD", URL: "https://www.manchester.gov.uk/libraries",
			Hints: spatlas.CategoryHints{Name: "Manchester Central Library", Labels: []string{"Local authority run library"}},
			Loc:   spatlas.Location{X: -2.2443, Y: 53.4781, SRID: 4326}}},
		{id: "nogeom", want: spatlas.Asset{Row: 6, Name: "Food bank without a place", Postcode: "M1 1AE",
			Hints: spatlas.CategoryHints{Name: "Food bank without a place"},
			Loc:   spatlas.Location{X: -2.2307, Y: 53.4771, SRID: 4326}}},
		{id: "pow1", area: "Polygon", want: spatlas.Asset{Row: 7, Name: "",
			Hints: spatlas.CategoryHints{Labels: []string{"Place Of Worship"}}}},
		{id: "multi", want: spatlas.Asset{Row: 9, Name: "Two doors",
			Hints: spatlas.CategoryHints{Name: "Two doors", Labels: []string{"Community centre"}},
			Loc:   spatlas.Location{X: -1.4701, Y: 53.3811, SRID: 4326}}},
		{id: "park", area: "MultiPolygon", want: spatlas.Asset{Row: 13, Name: "Heaton Park",
			Hints: spatlas.CategoryHints{Name: "Heaton Park", Labels: []string{"Park"}},
			Loc:   spatlas.Location{X: -2.25, Y: 53.535, SRID: 4326}}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			_, a := outcome(im, tt.id)
			if a == nil {
				t.Fatalf("no asset %s", tt.id)
			}
			w := tt.want
			if a.Row != w.Row || a.Name != w.Name || a.Address != w.Address || a.Postcode != w.Postcode || a.URL != w.URL ||
				a.Dataset != "test" || a.File != "problems.geojson" || a.Category != "" {
				t.Errorf("got %+v\nwant %+v", a, w)
			}
			if a.Hints.Name != w.Hints.Name || strings.Join(a.Hints.Labels, "|") != strings.Join(w.Hints.Labels, "|") || a.Hints.Tags != nil {
				t.Errorf("hints %+v, want %+v", a.Hints, w.Hints)
			}
			if a.Loc.SRID != 4326 {
				t.Errorf("SRID %d", a.Loc.SRID)
			}
			if tt.area == "" {
				if a.Loc.Area != nil || !near(a.Loc.X, w.Loc.X) || !near(a.Loc.Y, w.Loc.Y) {
					t.Errorf("location %+v, want %+v", a.Loc, w.Loc)
				}
				return
			}
			g, err := wkb.Unmarshal(a.Loc.Area)
			if err != nil {
				t.Fatalf("area: %v", err)
			}
			if g.GeoJSONType() != tt.area {
				t.Errorf("area is a %s, want %s", g.GeoJSONType(), tt.area)
			}
			if !inside(g, orb.Point{a.Loc.X, a.Loc.Y}) {
				t.Errorf("point %v, %v is not inside the area", a.Loc.X, a.Loc.Y)
			}
			if w.Loc.SRID != 0 && (!near(a.Loc.X, w.Loc.X) || !near(a.Loc.Y, w.Loc.Y)) {
				t.Errorf("location %+v, want %+v", a.Loc, w.Loc)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func inside(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

func TestReadGeoJSONCategoryOption(t *testing.T) {
	im := mustRead(t, geojsonFile, "testdata/problems.geojson", Options{Category: "food", NameProps: []string{"nosuch"}, LabelProps: []string{"Postcode"}})
	for _, a := range im.Assets {
		if a.Category != "food" || a.Hints.Category != "food" {
			t.Errorf("row %d: category %q, hint %q, want food", a.Row, a.Category, a.Hints.Category)
		}
		if a.Name != "" {
			t.Errorf("row %d: name %q with NameProps nosuch", a.Row, a.Name)
		}
	}
	if _, a := outcome(im, "101"); a == nil || len(a.Hints.Labels) != 1 || a.Hints.Labels[0] != "m2 5pd" {
		t.Errorf("labels from LabelProps Postcode: %+v", a)
	}
}

func TestReadGeoJSONBNG(t *testing.T) {
	im := mustRead(t, geojsonFile, "testdata/bng.geojson", Options{})
	tests := []struct{ id, want string }{
		{"townhall", "asset"},
		{"square", "asset"},
		{"lonlat", "rejected: easting -2.2443, northing 53.4781 is off the British National Grid"},
		{"zero", "rejected: easting and northing are (0, 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, a := outcome(im, tt.id)
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if a != nil && a.Loc.SRID != spatlas.SRIDBNG {
				t.Errorf("SRID %d, want 27700", a.Loc.SRID)
			}
		})
	}
	if _, a := outcome(im, "square"); a == nil || a.Loc.X != 383900 || a.Loc.Y != 398250 || a.Loc.Area == nil {
		t.Errorf("square: %+v", a)
	}
}

func TestReadGeoJSONFileErrors(t *testing.T) {
	tests := []struct {
		name string
		path string // a testdata file, or "" for doc
		doc  string
		want string
	}{
		{name: "not JSON", path: "testdata/not-json.geojson", want: "not-json.geojson: not valid JSON at byte 2"},
		{name: "truncated", path: "testdata/truncated.geojson", want: "truncated.geojson: the JSON ends early, at byte 270 (feature 2, which starts near byte"},
		{name: "unknown crs", path: "testdata/unknown-crs.geojson", want: `unknown-crs.geojson: unsupported crs "urn:ogc:def:crs:EPSG::3857"`},
		{name: "link crs", doc: `{"type":"FeatureCollection","crs":{"type":"link","properties":{"href":"x"}},"features":[]}`, want: `unsupported crs of type "link"`},
		{name: "empty", doc: ``, want: "x.geojson: the file is empty"},
		{name: "array", doc: `[1, 2]`, want: "not GeoJSON: the document is not a JSON object"},
		{name: "no type", doc: `{"features": []}`, want: "not GeoJSON: the object has no type member"},
		{name: "bare geometry", doc: `{"type": "Point", "coordinates": [-2.2, 53.4]}`, want: "a bare Point geometry"},
		{name: "topology", doc: `{"type": "Topology", "objects": {}}`, want: `type "Topology" is not FeatureCollection or Feature`},
		{name: "features not an array", doc: `{"type": "FeatureCollection", "features": {}}`, want: "features is not an array"},
		{name: "no features", doc: `{"type": "FeatureCollection"}`, want: "a FeatureCollection without features"},
		{name: "trailing JSON", doc: `{"type": "FeatureCollection", "features": []} {}`, want: "more JSON follows the GeoJSON object at byte"},
		{name: "trailing garbage", doc: `{"type": "FeatureCollection", "features": []} x`, want: "not valid JSON at byte"},
		{name: "grid crs after features", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [383880, 398160]}}], "crs": {"type": "name", "properties": {"name": "EPSG:27700"}}}`,
			want: "x.geojson: the crs member must come before the features"},
		{name: "crs twice", doc: `{"type":"FeatureCollection","crs":null,"crs":null,"features":[]}`, want: "the crs member comes twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			var im *spatlas.Import
			if tt.path != "" {
				im, err = readFile(t, geojsonFile, tt.path, Options{})
			} else {
				im, err = ReadGeoJSON(strings.NewReader(tt.doc), Options{File: "x.geojson"})
			}
			if err == nil {
				t.Fatalf("no error; read %+v", im)
			}
			if im != nil {
				t.Errorf("an import with the error")
			}
			var e *spatlas.Error
			if !errors.As(err, &e) || e.Code != spatlas.EINVALID {
				t.Errorf("error %T %v, want an EINVALID *spatlas.Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadGeoJSONDocuments(t *testing.T) {
	tests := []struct {
		name              string
		doc               string
		rows, assets      int
		srid              int
		wantID, wantFirst string // the first asset's source id and name
		reason            string // of the first rejected row
	}{
		{name: "single feature", doc: `{"type": "Feature", "id": "f1", "properties": {"name": "Only"}, "geometry": {"type": "Point", "coordinates": [-2.2, 53.4]}}`,
			rows: 1, assets: 1, srid: 4326, wantID: "f1", wantFirst: "Only"},
		{name: "CRS84 after features", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Late"}, "geometry": {"type": "Point", "coordinates": [-2.2, 53.4]}}], "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}`,
			rows: 1, assets: 1, srid: 4326, wantFirst: "Late"},
		{name: "old EPSG crs", doc: `{"type": "FeatureCollection", "crs": {"type": "EPSG", "properties": {"code": 27700}}, "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [383880, 398160]}}]}`,
			rows: 1, assets: 1, srid: 27700},
		{name: "type after features", doc: `{"features": [{"type": "Feature", "properties": null, "geometry": {"type": "Point", "coordinates": [-2.2, 53.4, 12.5]}}], "type": "FeatureCollection"}`,
			rows: 1, assets: 1, srid: 4326},
		{name: "numeric id property", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "id": 9, "properties": {"ID": 42, "title": "Numbered"}, "geometry": {"type": "Point", "coordinates": [-2.2, 53.4]}}]}`,
			rows: 1, assets: 1, srid: 4326, wantID: "42", wantFirst: "Numbered"},
		{name: "feature that is not an object", doc: `{"type": "FeatureCollection", "features": [7, {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-2.2, 53.4]}}]}`,
			rows: 2, assets: 1, srid: 4326, reason: "not a GeoJSON Feature: the feature is a JSON number"},
		{name: "geometry that is not an object", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": 5}]}`,
			rows: 1, reason: "not a GeoJSON Feature: geometry is a JSON number"},
		{name: "unknown geometry type", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Circle", "coordinates": [-2.2, 53.4]}}]}`,
			rows: 1, reason: `geometry type "Circle" is not a GeoJSON geometry`},
		{name: "properties that are not an object", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1], "geometry": {"type": "Point", "coordinates": [-2.2, 53.4]}}]}`,
			rows: 1, reason: "properties is not an object"},
		{name: "coordinates that are not numbers", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[["a", "b"]]]}}]}`,
			rows: 1, reason: "Polygon coordinates are not arrays of numbers as GeoJSON has them"},
		{name: "empty collection", doc: `{"type": "FeatureCollection", "features": []}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ReadGeoJSON(strings.NewReader(tt.doc), Options{File: "x.geojson"})
			if err != nil {
				t.Fatal(err)
			}
			accounted(t, im)
			if im.RowsRead != tt.rows || len(im.Assets) != tt.assets {
				t.Fatalf("rows %d, assets %d (rejected %+v); want %d, %d", im.RowsRead, len(im.Assets), im.Rejected, tt.rows, tt.assets)
			}
			if tt.reason != "" && (len(im.Rejected) == 0 || im.Rejected[0].Reason != tt.reason) {
				t.Errorf("rejected %+v, want reason %q", im.Rejected, tt.reason)
			}
			if tt.assets == 0 {
				return
			}
			a := im.Assets[0]
			if a.Loc.SRID != tt.srid || a.SourceID != tt.wantID || a.Name != tt.wantFirst {
				t.Errorf("asset %+v; want SRID %d, id %q, name %q", a, tt.srid, tt.wantID, tt.wantFirst)
			}
		})
	}
}

func TestSRIDOfName(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"urn:ogc:def:crs:OGC:1.3:CRS84", 4326},
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326},
		{"EPSG:4326", 4326},
		{"urn:ogc:def:crs:EPSG::4326", 4326},
		{"EPSG:27700", 27700},
		{"urn:ogc:def:crs:EPSG::27700", 27700},
		{"http://www.opengis.net/def/crs/EPSG/0/27700", 27700},
		{"epsg:27700", 27700},
		{"EPSG:3857", 0},
		{"EPSG:4277", 0},
		{"EPSG", 0},
		{"OSGB 1936 / British National Grid", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sridOfName(tt.name); got != tt.want {
				t.Errorf("sridOfName(%q) = %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  St  Mary's\n Church ", "St Mary's Church"},
		{"Unknown", ""},
		{" unknown ", ""},
		{"Unknown Pleasures Record Club", "Unknown Pleasures Record Club"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := cleanName(tt.in); got != tt.want {
				t.Errorf("cleanName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLocate(t *testing.T) {
	square := orb.Ring{{-2.3, 53.4}, {-2.2, 53.4}, {-2.2, 53.5}, {-2.3, 53.5}, {-2.3, 53.4}}
	tests := []struct {
		name   string
		g      orb.Geometry
		srid   int
		lines  bool
		x, y   float64
		area   bool
		reason string
	}{
		{name: "point", g: orb.Point{-2.2, 53.4}, srid: 4326, x: -2.2, y: 53.4},
		{name: "multipoint takes the first", g: orb.MultiPoint{{-2.2, 53.4}, {-2.1, 53.3}}, srid: 4326, x: -2.2, y: 53.4},
		{name: "empty multipoint", g: orb.MultiPoint{}, srid: 4326, reason: "MultiPoint without points"},
		{name: "polygon", g: orb.Polygon{square}, srid: 4326, x: -2.25, y: 53.45, area: true},
		{name: "short ring", g: orb.Polygon{{{-2.3, 53.4}, {-2.2, 53.4}, {-2.3, 53.4}}}, srid: 4326, reason: "Polygon: ring 1 has 3 positions, fewer than 4"},
		{name: "empty polygon", g: orb.Polygon{}, srid: 4326, reason: "Polygon: polygon 1 has no rings"},
		{name: "empty multipolygon", g: orb.MultiPolygon{}, srid: 4326, reason: "MultiPolygon without polygons"},
		{name: "vertex out of range", g: orb.Polygon{{{-2.3, 53.4}, {-2.2, 53.4}, {-2.2, 153.5}, {-2.3, 53.4}}}, srid: 4326,
			reason: "a vertex at longitude -2.2, latitude 153.5 is out of range"},
		{name: "vertex off the grid", g: orb.Polygon{{{383850, 398200}, {383950, 398200}, {383950, 1398300}, {383850, 398200}}}, srid: 27700,
			reason: "a vertex at easting 383950, northing 1.3983e+06 is off the British National Grid"},
		{name: "line in plain GeoJSON", g: orb.LineString{{-2.3, 53.4}, {-2.2, 53.4}}, srid: 4326, reason: "a LineString is not a place: give a Point or a Polygon"},
		{name: "line in OSM", g: orb.LineString{{-2.3, 53.4}, {-2.2, 53.4}, {-2.2, 53.6}}, srid: 4326, lines: true, x: -2.2, y: 53.45},
		{name: "multiline in OSM takes the longest", g: orb.MultiLineString{{{-2.3, 53.4}, {-2.29, 53.4}}, {{-2.0, 53.0}, {-2.0, 53.2}}}, srid: 4326, lines: true, x: -2.0, y: 53.1},
		{name: "one-point line", g: orb.LineString{{-2.3, 53.4}}, srid: 4326, lines: true, x: -2.3, y: 53.4},
		{name: "empty line", g: orb.LineString{}, srid: 4326, lines: true, reason: "LineString without points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, reason := locate(tt.g, tt.srid, tt.lines)
			if reason != tt.reason {
				t.Fatalf("reason %q, want %q", reason, tt.reason)
			}
			if reason != "" {
				return
			}
			if loc.SRID != tt.srid || !near(loc.X, tt.x) || !near(loc.Y, tt.y) || (loc.Area != nil) != tt.area {
				t.Errorf("location %v, %v SRID %d area %t; want %v, %v SRID %d area %t", loc.X, loc.Y, loc.SRID, loc.Area != nil, tt.x, tt.y, tt.srid, tt.area)
			}
			if tt.area {
				g, err := wkb.Unmarshal(loc.Area)
				if err != nil || !orb.Equal(g, tt.g) {
					t.Errorf("area WKB decodes to %v (%v), want %v", g, err, tt.g)
				}
			}
		})
	}
}
