package geoassets

import (
	"errors"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestReadOverpass(t *testing.T) {
	tests := []struct {
		name      string
		postcodes spatlas.Postcodes
		id        string
		want      string // "asset" or the start of "rejected: " / "unlocated: " reason
		row       int
		x, y      float64
		assetName string
	}{
		{name: "node", id: "node/299412199", want: "asset", row: 1, x: 1.2909467, y: 52.6277308, assetName: "Norfolk and Norwich Millennium Library"},
		{name: "untagged node", id: "node/1001", want: "missing"},
		{name: "way with center", id: "way/4002", want: "asset", row: 3, x: 1.2801, y: 52.6335, assetName: "Waterloo Park"},
		{name: "way without center", id: "way/4003", want: "unlocated: way without center or the positions of its nodes: query with out center, or out body; >; out skel"},
		{name: "relation with bounds", id: "relation/5004", want: "asset", row: 5, x: 1.282, y: 52.621, assetName: "St Peter Mancroft"},
		{name: "latitude 100", id: "node/1007", want: "rejected: latitude 100 is out of range"},
		{name: "way without center, with a postcode", id: "way/4008",
			want: "unlocated: way without center or the positions of its nodes: query with out center, or out body; >; out skel; postcode NR3 2QB needs a postcode lookup"},
		{name: "way without center, postcode found", id: "way/4008", postcodes: postcodes{"NR32QB": {1.2915, 52.6402}},
			want: "asset", row: 7, x: 1.2915, y: 52.6402, assetName: "Norman Centre"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := mustRead(t, overpassFile, "testdata/overpass.json", Options{Dataset: "osm", Postcodes: tt.postcodes})
			if im.RowsRead != 6 {
				t.Fatalf("rows read %d, want 6 (the seven elements less the untagged node)", im.RowsRead)
			}
			got, a := outcome(im, tt.id)
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("%s: got %q, want %q", tt.id, got, tt.want)
			}
			if a == nil {
				return
			}
			if a.Row != tt.row || !near(a.Loc.X, tt.x) || !near(a.Loc.Y, tt.y) || a.Loc.SRID != 4326 || a.Name != tt.assetName || a.Hints.Name != tt.assetName {
				t.Errorf("asset %+v; want row %d at %v, %v named %q", a, tt.row, tt.x, tt.y, tt.assetName)
			}
			if len(a.Hints.Tags) == 0 || a.Category != "" {
				t.Errorf("hints %+v, category %q", a.Hints, a.Category)
			}
		})
	}
	im := mustRead(t, overpassFile, "testdata/overpass.json", Options{})
	_, lib := outcome(im, "node/299412199")
	if lib == nil || lib.Hints.Tags["amenity"] != "library" || lib.Address != "The Forum, Millennium Plain, Norwich" ||
		lib.Postcode != "NR2 1AW" || lib.URL != "https://www.norfolk.gov.uk/libraries" {
		t.Errorf("library: %+v", lib)
	}
	if _, way := outcome(im, "way/4003"); way != nil {
		t.Errorf("way/4003 placed: %+v", way)
	}
	for _, r := range im.Unlocated {
		if r.ID == "way/4003" && r.Name != "The Hewett School" {
			t.Errorf("unnamed pitch: name %q, want the operator's", r.Name)
		}
	}
}

func TestReadOverpassErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{name: "timed out", doc: `{"version": 0.6, "elements": [], "remark": "runtime error: Query timed out in \"query\" at line 3 after 26 seconds."}`,
			want: `the Overpass API reported "runtime error: Query timed out`},
		{name: "no elements", doc: `{"version": 0.6}`, want: "not Overpass JSON: no elements array"},
		{name: "elements not an array", doc: `{"elements": {}}`, want: "elements is not an array"},
		{name: "not an object", doc: `"elements"`, want: "not Overpass JSON: the document is not a JSON object"},
		{name: "truncated", doc: `{"elements": [{"type": "node", "id": 1, "lat": 52.6`, want: "the JSON ends early, at byte 51 (element 1, which starts near byte 14)"},
		{name: "not JSON", doc: `<osm version="0.6">`, want: "not valid JSON at byte 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ReadOverpass(strings.NewReader(tt.doc), Options{File: "q.json"})
			var e *spatlas.Error
			if err == nil || !errors.As(err, &e) || e.Code != spatlas.EINVALID || im != nil {
				t.Fatalf("got %v, %v; want an EINVALID error", im, err)
			}
			if !strings.HasPrefix(err.Error(), "q.json: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadOverpassElements(t *testing.T) {
	tests := []struct {
		name         string
		doc          string
		rows, assets int
		reason       string // of the first rejected or unlocated row
	}{
		{name: "remark that is not an error", doc: `{"elements": [{"type": "node", "id": 1, "lat": 52.6, "lon": 1.29, "tags": {"amenity": "cafe"}}], "remark": "note: this is a test"}`,
			rows: 1, assets: 1},
		{name: "tagged element with a broken lat", doc: `{"elements": [{"type": "node", "id": 1, "lat": "x", "lon": 1.29, "tags": {"amenity": "cafe"}}]}`,
			rows: 1, reason: "not an Overpass element"},
		{name: "untagged element with a broken lat", doc: `{"elements": [{"type": "node", "id": 1, "lat": "x", "lon": 1.29}]}`},
		{name: "empty tags", doc: `{"elements": [{"type": "node", "id": 1, "lat": 52.6, "lon": 1.29, "tags": {}}]}`},
		{name: "node without position", doc: `{"elements": [{"type": "node", "id": 1, "tags": {"amenity": "cafe"}}]}`,
			rows: 1, reason: "node without lat and lon"},
		{name: "count element", doc: `{"elements": [{"type": "count", "id": 0, "tags": {"nodes": "12"}}]}`,
			rows: 1, reason: `an Overpass element of type "count" is not a node, way or relation`},
		{name: "swapped", doc: `{"elements": [{"type": "node", "id": 1, "lat": 1.29, "lon": 52.6, "tags": {"amenity": "cafe"}}]}`,
			rows: 1, reason: "latitude and longitude look swapped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ReadOverpass(strings.NewReader(tt.doc), Options{File: "q.json"})
			if err != nil {
				t.Fatal(err)
			}
			accounted(t, im)
			if im.RowsRead != tt.rows || len(im.Assets) != tt.assets {
				t.Fatalf("rows %d, assets %d; want %d, %d", im.RowsRead, len(im.Assets), tt.rows, tt.assets)
			}
			issues := append(append([]spatlas.RowIssue{}, im.Rejected...), im.Unlocated...)
			if tt.reason != "" && (len(issues) == 0 || !strings.HasPrefix(issues[0].Reason, tt.reason)) {
				t.Errorf("issues %+v, want reason %q", issues, tt.reason)
			}
		})
	}
}

func TestReadOSMGeoJSON(t *testing.T) {
	const doc = `{"type": "FeatureCollection", "features": [
{"type": "Feature", "id": "node/1", "properties": {"@id": "node/1", "amenity": "library", "name": " Lib ", "opening_hours": "Mo 9-5", "@timestamp": "2019-01-01", "mapFeature": {"caption": "x"}, "level": 0, "addr:housenumber": "12", "addr:street": "High Street", "addr:city": "Norwich", "addr:postcode": "nr2 1aw", "contact:website": "https://example.org"}, "geometry": {"type": "Point", "coordinates": [1.29, 52.62]}},
{"type": "Feature", "id": "way/2", "properties": {"id": "way/2", "leisure": "pitch", "operator": "The Hewett School"}, "geometry": {"type": "LineString", "coordinates": [[1.28, 52.60], [1.30, 52.60]]}},
{"type": "Feature", "id": "way/3", "properties": {"id": "way/3", "leisure": "park", "name": "Unknown", "brand": "Brand"}, "geometry": {"type": "Polygon", "coordinates": [[[1.28, 52.60], [1.30, 52.60], [1.30, 52.62], [1.28, 52.62], [1.28, 52.60]]]}},
{"type": "Feature", "id": "relation/4", "properties": {"type": "relation", "id": 4, "tags": {"amenity": "community_centre", "name": "Nested"}, "relations": [], "meta": {}}, "geometry": {"type": "Point", "coordinates": [1.29, 52.63]}},
{"type": "Feature", "id": "node/5", "properties": {"amenity": "food_bank", "addr:place": "Old Catton"}, "geometry": null},
{"type": "Feature", "id": "node/6", "properties": {"amenity": "cafe"}, "geometry": {"type": "Point", "coordinates": [52.62, 1.29]}}
]}`
	im, err := ReadOSMGeoJSON(strings.NewReader(doc), Options{Dataset: "osm", File: "x.geojson"})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, im)
	tests := []struct {
		id, want, name, address, postcode, url string
		tags                                   map[string]string
		x, y                                   float64
		area                                   bool
	}{
		{id: "node/1", want: "asset", name: "Lib", address: "12 High Street, Norwich", postcode: "NR2 1AW", url: "https://example.org",
			tags: map[string]string{"amenity": "library", "name": " Lib ", "opening_hours": "Mo 9-5", "addr:housenumber": "12",
				"addr:street": "High Street", "addr:city": "Norwich", "addr:postcode": "nr2 1aw", "contact:website": "https://example.org"},
			x: 1.29, y: 52.62},
		{id: "way/2", want: "asset", name: "The Hewett School", tags: map[string]string{"leisure": "pitch", "operator": "The Hewett School"}, x: 1.29, y: 52.60},
		{id: "way/3", want: "asset", name: "", tags: map[string]string{"leisure": "park", "name": "Unknown", "brand": "Brand"}, x: 1.29, y: 52.61, area: true},
		{id: "relation/4", want: "asset", name: "Nested", tags: map[string]string{"amenity": "community_centre", "name": "Nested"}, x: 1.29, y: 52.63},
		{id: "node/5", want: "unlocated: no geometry"},
		{id: "node/6", want: "rejected: latitude and longitude look swapped (latitude 1.29, longitude 52.62)"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, a := outcome(im, tt.id)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if a == nil {
				return
			}
			if a.Name != tt.name || a.Address != tt.address || a.Postcode != tt.postcode || a.URL != tt.url {
				t.Errorf("asset %+v", a)
			}
			if len(a.Hints.Tags) != len(tt.tags) {
				t.Errorf("tags %v, want %v", a.Hints.Tags, tt.tags)
			}
			for k, v := range tt.tags {
				if a.Hints.Tags[k] != v {
					t.Errorf("tag %s = %q, want %q", k, a.Hints.Tags[k], v)
				}
			}
			if !near(a.Loc.X, tt.x) || !near(a.Loc.Y, tt.y) || (a.Loc.Area != nil) != tt.area {
				t.Errorf("location %+v, want %v, %v area %t", a.Loc, tt.x, tt.y, tt.area)
			}
		})
	}
	// The "Unknown" name falls back to no name, not to the brand: the brand is only for a
	// feature without a name tag.
	if _, a := outcome(im, "way/3"); a != nil && a.Hints.Name != "" {
		t.Errorf("hint name %q", a.Hints.Name)
	}
}
