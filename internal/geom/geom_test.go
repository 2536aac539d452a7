package geom

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	gogeom "github.com/twpayne/go-geom"
)

func inside(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

func TestDecodeGeoJSON(t *testing.T) {
	tests := []struct {
		name, raw, reason string
		want              orb.Geometry
		err               bool
	}{
		{name: "point", raw: `{"type": "Point", "coordinates": [-2.2, 53.4]}`, want: orb.Point{-2.2, 53.4}},
		{name: "point with height", raw: `{"type": "Point", "coordinates": [-2.2, 53.4, 12.5]}`, want: orb.Point{-2.2, 53.4}},
		{name: "polygon", raw: `{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}`,
			want: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
		{name: "multipolygon", raw: `{"coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]], "type": "MultiPolygon"}`,
			want: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
		{name: "multipoint", raw: `{"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}`, want: orb.MultiPoint{{1, 2}, {3, 4}}},
		{name: "line", raw: `{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}`, want: orb.LineString{{1, 2}, {3, 4}}},
		{name: "multiline", raw: `{"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]]]}`, want: orb.MultiLineString{{{1, 2}, {3, 4}}}},
		{name: "one number", raw: `{"type": "Point", "coordinates": [-2.2]}`, reason: "Point coordinates must be [longitude, latitude] numbers"},
		{name: "point of text", raw: `{"type": "Point", "coordinates": ["a", "b"]}`, reason: "Point coordinates must be [longitude, latitude] numbers"},
		{name: "no coordinates", raw: `{"type": "Polygon"}`, reason: "Polygon geometry without coordinates"},
		{name: "null coordinates", raw: `{"type": "MultiPoint", "coordinates": null}`, reason: "MultiPoint geometry without coordinates"},
		{name: "text coordinates", raw: `{"type": "Polygon", "coordinates": [[["a", "b"]]]}`, reason: "Polygon coordinates are not arrays of numbers as GeoJSON has them"},
		{name: "collection", raw: `{"type": "GeometryCollection", "geometries": []}`, reason: "a GeometryCollection is not supported"},
		{name: "unknown type", raw: `{"type": "Circle", "coordinates": [1, 2]}`, reason: `geometry type "Circle" is not a GeoJSON geometry`},
		{name: "not an object", raw: `5`, err: true},
		{name: "type not text", raw: `{"type": 5}`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, reason, err := DecodeGeoJSON([]byte(tt.raw))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want an error: %t", err, tt.err)
			}
			if !strings.HasPrefix(reason, tt.reason) || (tt.reason == "") != (reason == "") {
				t.Errorf("reason %q, want %q", reason, tt.reason)
			}
			if tt.want != nil && (g == nil || !orb.Equal(g, tt.want)) {
				t.Errorf("geometry %v, want %v", g, tt.want)
			}
		})
	}
}

func TestCheckRings(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	tests := []struct {
		name string
		g    orb.Geometry
		want string
	}{
		{"polygon", orb.Polygon{square}, ""},
		{"multipolygon with a hole", orb.MultiPolygon{{square, square}}, ""},
		{"short ring", orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}, "Polygon: ring 1 has 3 positions, fewer than 4"},
		{"open ring", orb.Polygon{square, {{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "Polygon: ring 2 is not closed (its first and last positions differ)"},
		{"no rings", orb.MultiPolygon{{square}, {}}, "MultiPolygon: polygon 2 has no rings"},
		{"no polygons", orb.MultiPolygon{}, "MultiPolygon without polygons"},
		{"not an area", orb.Point{1, 2}, "Point without polygons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRings(tt.g)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
				t.Errorf("CheckRings = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEachPosition(t *testing.T) {
	g := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}
	n := 0
	EachPosition(g, func(orb.Point) bool { n++; return n < 6 })
	if n != 6 {
		t.Errorf("visited %d positions, want 6 (stopping when told)", n)
	}
}

func TestInteriorPoint(t *testing.T) {
	// An L, whose centroid is just inside its corner.
	ell := orb.Polygon{{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}}}
	// A U whose centroid lies in the gap between its arms.
	u := orb.Polygon{{{0, 0}, {5, 0}, {5, 5}, {4, 5}, {4, 1}, {1, 1}, {1, 5}, {0, 5}, {0, 0}}}
	// A square with a hole where its centroid is.
	holed := orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}}
	// Two parts: the centroid lies between them.
	two := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{5, 0}, {7, 0}, {7, 2}, {5, 2}, {5, 0}}}}
	tests := []struct {
		name string
		g    orb.Geometry
	}{
		{"L", ell}, {"U", u}, {"hole", holed}, {"two parts", two},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := InteriorPoint(tt.g)
			if !inside(tt.g, p) {
				t.Errorf("InteriorPoint = %v, not inside", p)
			}
		})
	}
	if c, _ := planar.CentroidArea(u); inside(u, c) {
		t.Errorf("the U's centroid %v is inside it: the test does not test the fallback", c)
	}
}

func TestMidLine(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		want orb.Point
		ok   bool
	}{
		{"line", orb.LineString{{0, 0}, {2, 0}, {2, 2}}, orb.Point{2, 0}, true},
		{"longest line", orb.MultiLineString{{{0, 0}, {1, 0}}, {{5, 0}, {5, 4}}}, orb.Point{5, 2}, true},
		{"one point", orb.LineString{{3, 4}}, orb.Point{3, 4}, true},
		{"empty", orb.LineString{}, orb.Point{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := MidLine(tt.g)
			if p != tt.want || ok != tt.ok {
				t.Errorf("MidLine = %v, %t; want %v, %t", p, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestEWKBRoundTrip(t *testing.T) {
	poly := gogeom.NewPolygonFlat(gogeom.XY, []float64{380000, 395000, 388000, 395000, 388000, 401000, 380000, 395000}, []int{8}).SetSRID(27700)
	tests := []struct {
		name string
		g    gogeom.T
	}{
		{"point", NewPoint(-1.2345678901234, 53.987654321, 4326)},
		{"grid point", NewPoint(383880.5, 398160.25, 27700)},
		{"polygon", poly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeEWKB(tt.g)
			if err != nil {
				t.Fatal(err)
			}
			g, err := DecodeEWKB(b)
			if err != nil {
				t.Fatal(err)
			}
			if g.SRID() != tt.g.SRID() || g.Layout() != tt.g.Layout() || !equalFloats(g.FlatCoords(), tt.g.FlatCoords()) {
				t.Errorf("round trip gives %v SRID %d, want %v SRID %d", g.FlatCoords(), g.SRID(), tt.g.FlatCoords(), tt.g.SRID())
			}
		})
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecodePoint(t *testing.T) {
	// SELECT ST_AsEWKB(ST_SetSRID(ST_MakePoint(-1.5, 53.25), 4326)) in PostGIS, little-endian.
	const fromPostGIS = "0101000020e6100000000000000000f8bf0000000000a04a40"
	b, err := hex.DecodeString(fromPostGIS)
	if err != nil {
		t.Fatal(err)
	}
	x, y, srid, err := DecodePoint(b)
	if err != nil || x != -1.5 || y != 53.25 || srid != 4326 {
		t.Errorf("DecodePoint = %v, %v, %d, %v; want -1.5, 53.25, 4326", x, y, srid, err)
	}
	enc, err := EncodeEWKB(NewPoint(-1.5, 53.25, 4326))
	if err != nil || hex.EncodeToString(enc) != fromPostGIS {
		t.Errorf("EncodeEWKB = %x, %v; want PostGIS's %s", enc, err, fromPostGIS)
	}
	poly, err := EncodeEWKB(gogeom.NewPolygonFlat(gogeom.XY, []float64{0, 0, 1, 0, 1, 1, 0, 0}, []int{8}).SetSRID(4326))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{poly, b[:10], nil} {
		if _, _, _, err := DecodePoint(bad); err == nil {
			t.Errorf("DecodePoint(%x) succeeded", bad)
		}
	}
}

func TestOrbConversion(t *testing.T) {
	tests := []orb.Geometry{
		orb.Point{-2.2, 53.4},
		orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}},
		orb.LineString{{1, 2}, {3, 4}},
	}
	for _, og := range tests {
		t.Run(og.GeoJSONType(), func(t *testing.T) {
			g, err := FromOrb(og, 27700)
			if err != nil {
				t.Fatal(err)
			}
			if g.SRID() != 27700 {
				t.Errorf("SRID %d, want 27700", g.SRID())
			}
			back, err := ToOrb(g)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(back, og) {
				t.Errorf("round trip gives %v, want %v", back, og)
			}
		})
	}
}

func TestPointScan(t *testing.T) {
	const fromPostGIS = "0101000020e6100000000000000000f8bf0000000000a04a40"
	raw, _ := hex.DecodeString(fromPostGIS)
	want := Point{X: -1.5, Y: 53.25, SRID: 4326}
	for _, tc := range []struct {
		name string
		src  any
		ok   bool
	}{
		{"bytes", raw, true},
		{"hex text", fromPostGIS, true},
		{"hex text as bytes", []byte(fromPostGIS), true},
		{"not hex", "zz", false},
		{"a number", 5, false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p Point
			err := p.Scan(tc.src)
			if (err == nil) != tc.ok || tc.ok && p != want {
				t.Errorf("Scan = %+v, %v; want %+v, ok %t", p, err, want, tc.ok)
			}
		})
	}
}
