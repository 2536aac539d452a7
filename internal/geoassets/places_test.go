package geoassets

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
)

func TestNotAPlace(t *testing.T) {
	tests := []struct {
		name string
		tags map[string]string
		want string // a part of the reason; "" for a place
	}{
		{"a road", map[string]string{"highway": "residential", "name": "Church Street"}, "highway=residential"},
		{"a river", map[string]string{"waterway": "river"}, "waterway=river"},
		{"a railway", map[string]string{"railway": "rail"}, "railway=rail"},
		{"a boundary", map[string]string{"boundary": "administrative", "admin_level": "8"}, "boundary=administrative"},
		{"industrial land", map[string]string{"landuse": "industrial"}, "landuse=industrial"},
		{"allotments", map[string]string{"landuse": "allotments"}, ""},
		{"a wood", map[string]string{"natural": "wood"}, ""},
		{"a pedestrian street with a library", map[string]string{"highway": "pedestrian", "amenity": "library"}, ""},
		{"a park", map[string]string{"leisure": "park"}, ""},
		{"a shop on a road", map[string]string{"shop": "charity", "highway": "service"}, ""},
		{"a building", map[string]string{"building": "yes", "name": "Hall"}, ""},
		{"amenity=no does not count", map[string]string{"amenity": "no", "highway": "track"}, "highway=track"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := notAPlace(tt.tags)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("notAPlace = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJoinRings(t *testing.T) {
	a, b, c, d := orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{1, 1}, orb.Point{0, 1}
	tests := []struct {
		name  string
		lines [][]orb.Point
		rings int
	}{
		{"one closed way", [][]orb.Point{{a, b, c, d, a}}, 1},
		{"two halves", [][]orb.Point{{a, b, c}, {c, d, a}}, 1},
		{"two halves, one reversed", [][]orb.Point{{a, b, c}, {a, d, c}}, 1},
		{"three pieces out of order", [][]orb.Point{{c, d}, {a, b}, {b, c}, {d, a}}, 1},
		{"an open line", [][]orb.Point{{a, b, c}}, 0},
		{"none", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := joinRings(tt.lines); len(got) != tt.rings {
				t.Errorf("%d rings, want %d", len(got), tt.rings)
			}
		})
	}
}

// TestReadOverpassSkel places ways and relations from the nodes an out body; >; out skel export
// carries: a closed way at a point inside it, an open way half-way along, a relation from its
// member ways.
func TestReadOverpassSkel(t *testing.T) {
	doc := `{"elements": [
	  {"type": "way", "id": 1, "nodes": [11, 12, 13, 14, 11], "tags": {"leisure": "park", "name": "Square"}},
	  {"type": "way", "id": 2, "nodes": [11, 12, 15], "tags": {"leisure": "track", "name": "Path"}},
	  {"type": "relation", "id": 3, "members": [{"type": "way", "ref": 4, "role": "outer"}, {"type": "way", "ref": 5, "role": "outer"}, {"type": "way", "ref": 6, "role": "inner"}],
	   "tags": {"leisure": "nature_reserve", "name": "Marsh"}},
	  {"type": "way", "id": 7, "nodes": [99, 98], "tags": {"leisure": "pitch", "name": "Lost"}},
	  {"type": "node", "id": 11, "lat": 52.60, "lon": 1.30}, {"type": "node", "id": 12, "lat": 52.60, "lon": 1.32},
	  {"type": "node", "id": 13, "lat": 52.62, "lon": 1.32}, {"type": "node", "id": 14, "lat": 52.62, "lon": 1.30},
	  {"type": "node", "id": 15, "lat": 52.64, "lon": 1.32},
	  {"type": "way", "id": 4, "nodes": [11, 12, 13]}, {"type": "way", "id": 5, "nodes": [13, 14, 11]}
	]}`
	im, err := ReadOverpass(strings.NewReader(doc), Options{File: "skel.json"})
	if err != nil {
		t.Fatal(err)
	}
	if im.RowsRead != 4 || len(im.Assets) != 3 || len(im.Unlocated) != 1 {
		t.Fatalf("read %d, %d assets, %d unlocated (%v)", im.RowsRead, len(im.Assets), len(im.Unlocated), im.Unlocated)
	}
	inside := func(l spatlas.Location) bool { return l.X > 1.30 && l.X < 1.32 && l.Y > 52.60 && l.Y < 52.62 }
	for _, a := range im.Assets {
		switch a.Name {
		case "Square", "Marsh":
			if !inside(a.Loc) || a.Loc.Area == nil {
				t.Errorf("%s at %v, area %d bytes: want a point inside the area, with the area", a.Name, a.Loc, len(a.Loc.Area))
			}
		case "Path":
			if a.Loc.X != 1.32 || a.Loc.Y < 52.60 || a.Loc.Y > 52.64 || a.Loc.Area != nil {
				t.Errorf("Path at %v: want half-way along", a.Loc)
			}
		}
	}
}

func TestMappedPropertyMissing(t *testing.T) {
	doc := `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"site_name": "A", "ward": "B"}, "geometry": {"type": "Point", "coordinates": [1.3, 52.6]}}]}`
	_, err := ReadGeoJSON(strings.NewReader(doc), Options{File: "f.geojson", NameProps: []string{"Title"}, Mapped: []string{"Title"}})
	want := `f.geojson: no feature has the property "Title" the mapping names (the features have "site_name", "ward")`
	if spatlas.ErrorCode(err) != spatlas.EINVALID || err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	im, err := ReadGeoJSON(strings.NewReader(doc), Options{File: "f.geojson", NameProps: []string{"WARD"}, Mapped: []string{"WARD"},
		Exclude: []tabular.Exclude{{Column: "site_name", Values: []string{"a"}, Reason: "closed"}}})
	if err != nil || len(im.Excluded) != 1 || im.Excluded[0].Reason != "closed (A)" || im.Excluded[0].Name != "B" {
		t.Errorf("err %v, excluded %v", err, im.Excluded)
	}
}

// TestCoordinateProperties places features without geometry from their coordinate properties,
// as CSV rows are placed from their columns.
func TestCoordinateProperties(t *testing.T) {
	doc := `{"type": "FeatureCollection", "features": [
	  {"type": "Feature", "properties": {"name": "A", "Longitude": "1.29", "Latitude": 52.63}, "geometry": null},
	  {"type": "Feature", "properties": {"name": "B", "X": 623000, "Y": 308000}, "geometry": null},
	  {"type": "Feature", "properties": {"name": "C", "lon": "east", "lat": "52.6"}, "geometry": null},
	  {"type": "Feature", "properties": {"name": "D"}, "geometry": null}
	]}`
	im, err := ReadGeoJSON(strings.NewReader(doc), Options{File: "f.geojson",
		Coords: CoordProps{Lon: []string{"lon", "Longitude"}, Lat: []string{"lat", "Latitude"}, Easting: []string{"X"}, Northing: []string{"Y"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Assets) != 2 || len(im.Rejected) != 1 || len(im.Unlocated) != 1 {
		t.Fatalf("%d assets, %d rejected, %d unlocated", len(im.Assets), len(im.Rejected), len(im.Unlocated))
	}
	if a := im.Assets[0].Loc; a.X != 1.29 || a.Y != 52.63 || a.SRID != spatlas.SRIDWGS84 {
		t.Errorf("A at %+v", a)
	}
	if b := im.Assets[1].Loc; b.X != 623000 || b.SRID != spatlas.SRIDBNG {
		t.Errorf("B at %+v", b)
	}
	if r := im.Rejected[0].Reason; !strings.Contains(r, `"east", "52.6" are not numbers`) {
		t.Errorf("C: %s", r)
	}
}
