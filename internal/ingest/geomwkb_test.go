package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// square is a closed ring as GeoJSON text.
const square = `[[0,0],[1,0],[1,1],[0,1],[0,0]]`

func TestPolygonWKB(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		typ  string
	}{
		{"polygon", `{"type":"Polygon","coordinates":[` + square + `]}`, "Polygon"},
		{"polygon with a hole", `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,3],[3,3],[3,2],[2,2]]]}`, "Polygon"},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[` + square + `],[[[5,5],[6,5],[6,6],[5,5]]]]}`, "MultiPolygon"},
		{"multipolygon of one polygon with holes", `{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,3],[3,3],[3,2],[2,2]],[[5,5],[5,6],[6,6],[5,5]]]]}`, "MultiPolygon"},
		{"3D positions dropped to 2D", `{"type":"Polygon","coordinates":[[[0,0,5],[1,0,5.5],[1,1,6],[0,1,7],[0,0,5]]]}`, "Polygon"},
		{"3D multipolygon", `{"type":"MultiPolygon","coordinates":[[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]]}`, "MultiPolygon"},
		{"four numbers per position", `{"type":"Polygon","coordinates":[[[0,0,1,2],[1,0,1,2],[1,1,1,2],[0,0,1,2]]]}`, "Polygon"},
		{"whitespace everywhere", " \n{ \"type\" :\t\"Polygon\" ,\r\n \"coordinates\" : [ [ [ 0 , 0 ] ,\n[ 1 , 0 ] , [ 1 , 1 ] , [ 0 , 0 ] ] ] \n} \t", "Polygon"},
		{"no whitespace", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`, "MultiPolygon"},
		{"exponents", `{"type":"Polygon","coordinates":[[[1e-7,2E-7],[1.5e+2,-3e2],[1E0,0.5e-300],[-2.5e-7,1e308],[1e-7,2E-7]]]}`, "Polygon"},
		{"negative zero", `{"type":"Polygon","coordinates":[[[-0,-0.0],[1,-0],[1,1],[-0.0e0,-0]]]}`, "Polygon"},
		{"many digits", `{"type":"Polygon","coordinates":[[[-1.232987107819402,54.678913345181613],[-1.229546546236122,54.67775538412063],[-1.227056289429092,54.677761233913976],[-1.232987107819402,54.678913345181613]]]}`, "Polygon"},
		{"more digits than a float64 holds", `{"type":"Polygon","coordinates":[[[0.1000000000000000055511151231257827,123456789012345678901234567890],[1,0],[1,1],[0.1000000000000000055511151231257827,123456789012345678901234567890]]]}`, "Polygon"},
		{"coordinates before type", `{"coordinates":[` + square + `],"type":"Polygon"}`, "Polygon"},
		{"multipolygon coordinates before type", `{"coordinates":[[` + square + `]],"type":"MultiPolygon"}`, "MultiPolygon"},
		{"bbox and other members", `{"bbox":[0,0,1,1],"type":"Polygon","crs":{"type":"name","properties":{"name":"x"}},"coordinates":[` + square + `],"id":7,"extra":[{"a":[1,2,{"b":null}]},true,false,"s\"t"]}`, "Polygon"},
		{"bbox after coordinates before type", `{"coordinates":[[` + square + `]],"bbox":[0,0,1,1],"type":"MultiPolygon"}`, "MultiPolygon"},
		{"escaped key", `{"type":"Polygon","coordinates":[` + square + `],"a\"b\\":{"c\u00e9":"\ud83d\ude00"}}`, "Polygon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, typ, err := polygonWKB([]byte(tt.raw))
			if err != nil {
				t.Fatalf("polygonWKB: %v", err)
			}
			if typ != tt.typ {
				t.Errorf("type = %q, want %q", typ, tt.typ)
			}
			if want := orbWKB(t, []byte(tt.raw)); !bytes.Equal(got, want) {
				t.Errorf("WKB differs from orb's\n got %x\nwant %x", got, want)
			}
		})
	}
}

// TestPolygonWKBBytes checks the encoding by hand, so that the orb tests cannot pass on a shared
// misreading.
func TestPolygonWKBBytes(t *testing.T) {
	got, _, err := polygonWKB([]byte(`{"type":"Polygon","coordinates":[[[-1.5,2,9],[3,2],[3,4],[-1.5,2]]]}`))
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	want = append(want, 1)
	want = binary.LittleEndian.AppendUint32(want, 3) // Polygon
	want = binary.LittleEndian.AppendUint32(want, 1) // rings
	want = binary.LittleEndian.AppendUint32(want, 4) // positions
	for _, v := range []float64{-1.5, 2, 3, 2, 3, 4, -1.5, 2} {
		want = binary.LittleEndian.AppendUint64(want, math.Float64bits(v))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got  %x\nwant %x", got, want)
	}
	got, _, err = polygonWKB([]byte(`{"type":"Polygon","coordinates":[[[-0,0],[1,0],[1,1],[-0,0]]]}`))
	if err != nil {
		t.Fatal(err)
	}
	if x := binary.LittleEndian.Uint64(got[13:]); x != 1<<63 {
		t.Errorf("x of -0 encoded as %#x, want the bits of negative zero", x)
	}
}

func TestPolygonWKBErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"point", `{"type":"Point","coordinates":[1,2]}`, `a "Point" geometry, want Polygon or MultiPolygon`},
		{"point, coordinates first", `{"coordinates":[1,2],"type":"Point"}`, `a "Point" geometry`},
		{"linestring", `{"type":"LineString","coordinates":[[1,2],[3,4]]}`, `a "LineString" geometry`},
		{"multilinestring, coordinates first", `{"coordinates":[[[1,2],[3,4]]],"type":"MultiLineString"}`, `a "MultiLineString" geometry`},
		{"geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[` + square + `]}]}`, `a "GeometryCollection" geometry`},
		{"no type", `{"coordinates":[` + square + `]}`, "the geometry has no type"},
		{"missing coordinates", `{"type":"Polygon"}`, "the Polygon has no coordinates"},
		{"null coordinates", `{"type":"Polygon","coordinates":null}`, `want '['`},
		{"polygon with multipolygon coordinates", `{"type":"Polygon","coordinates":[[` + square + `]]}`, "want a number"},
		{"type after coordinates of the wrong depth", `{"coordinates":[[` + square + `]],"type":"Polygon"}`, "the coordinates of a Polygon nest 4 deep, want 3"},
		{"coordinates too shallow, type after", `{"coordinates":[[0,0],[1,1]],"type":"Polygon"}`, "the coordinates nest 2 deep, want 3 (Polygon) or 4 (MultiPolygon)"},
		{"empty coordinates, type after", `{"coordinates":[],"type":"Polygon"}`, "the coordinates start with an empty array"},
		{"polygon with no rings", `{"type":"Polygon","coordinates":[]}`, "a polygon with no rings"},
		{"multipolygon with no polygons", `{"type":"MultiPolygon","coordinates":[]}`, "a MultiPolygon with no polygons"},
		{"ring of 3 positions", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, "ring 1 has 3 positions, want at least 4"},
		{"hole of 3 positions, type after", `{"coordinates":[` + square + `,[[0,0],[1,0],[0,0]]],"type":"Polygon"}`, "ring 2 has 3 positions, want at least 4"},
		{"empty ring", `{"type":"Polygon","coordinates":[[]]}`, "ring 1 has 0 positions"},
		{"ring not closed", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "ring 1 is not closed"},
		{"position with 1 number", `{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}`, "a position has 1 numbers, want 2"},
		{"empty position", `{"type":"Polygon","coordinates":[[[0,0],[],[1,1],[0,0]]]}`, "a position has 0 numbers"},
		{"string coordinate", `{"type":"Polygon","coordinates":[[[0,0],["1",0],[1,1],[0,0]]]}`, "want a number"},
		{"boolean coordinate", `{"type":"Polygon","coordinates":[[[0,0],[true,0],[1,1],[0,0]]]}`, "want a number"},
		{"null coordinate", `{"type":"Polygon","coordinates":[[[0,0],[null,0],[1,1],[0,0]]]}`, "want a number"},
		{"NaN", `{"type":"Polygon","coordinates":[[[0,0],[NaN,0],[1,1],[0,0]]]}`, "want a number"},
		{"Infinity", `{"type":"Polygon","coordinates":[[[0,0],[Infinity,0],[1,1],[0,0]]]}`, "want a number"},
		{"-Infinity", `{"type":"Polygon","coordinates":[[[0,0],[-Infinity,0],[1,1],[0,0]]]}`, "want a number"},
		{"out of range", `{"type":"Polygon","coordinates":[[[0,0],[1e309,0],[1,1],[0,0]]]}`, "1e309 is out of range"},
		{"plus sign", `{"type":"Polygon","coordinates":[[[0,0],[+1,0],[1,1],[0,0]]]}`, "want a number"},
		{"leading point", `{"type":"Polygon","coordinates":[[[0,0],[.5,0],[1,1],[0,0]]]}`, "want a number"},
		{"trailing point", `{"type":"Polygon","coordinates":[[[0,0],[1.,0],[1,1],[0,0]]]}`, "want a digit after the decimal point"},
		{"leading zero", `{"type":"Polygon","coordinates":[[[0,0],[01,0],[1,1],[0,0]]]}`, "want , or ]"},
		{"bare exponent", `{"type":"Polygon","coordinates":[[[0,0],[1e,0],[1,1],[0,0]]]}`, "want a digit in the exponent"},
		{"hex", `{"type":"Polygon","coordinates":[[[0,0],[0x10,0],[1,1],[0,0]]]}`, "want , or ]"},
		{"missing comma", `{"type":"Polygon","coordinates":[[[0,0] [1,0],[1,1],[0,0]]]}`, "want , or ]"},
		{"trailing comma", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0],]]}`, "want '['"},
		{"unquoted key", `{type:"Polygon","coordinates":[` + square + `]}`, `want '"'`},
		{"bad literal in another member", `{"type":"Polygon","coordinates":[` + square + `],"x":nul}`, "want a value"},
		{"control character in a string", "{\"type\":\"Poly\ngon\",\"coordinates\":[" + square + "]}", "a control character in a string"},
		{"bad escape", `{"type":"Polygon","coordinates":[` + square + `],"x":"\q"}`, `bad escape \q`},
		{"two types", `{"type":"Polygon","type":"Polygon","coordinates":[` + square + `]}`, "the geometry has two types"},
		{"two coordinates", `{"type":"Polygon","coordinates":[` + square + `],"coordinates":[` + square + `]}`, "two sets of coordinates"},
		{"data after", `{"type":"Polygon","coordinates":[` + square + `]} x`, "data after the geometry"},
		{"not an object", `[` + square + `]`, `want '{'`},
		{"empty", ``, `want '{'`},
		{"truncated in a number", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0.`, "want a digit after the decimal point"},
		{"truncated after a number", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0`, "unterminated array"},
		{"truncated after a ring", `{"type":"Polygon","coordinates":[` + square, "unterminated array"},
		{"truncated before the brace", `{"type":"Polygon","coordinates":[` + square + `]`, "unterminated object"},
		{"truncated in the type", `{"type":"Poly`, "unterminated string"},
		{"truncated, coordinates first", `{"coordinates":[[[0,0],[1,0],[1`, "unterminated array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := polygonWKB([]byte(tt.raw))
			if err == nil {
				t.Fatalf("no error, WKB %x; want an error mentioning %q", got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// TestRealGeometries checks every geometry of two real boundary files, read both by polygonWKB and
// in one pass by readBoundaries, against orb's encoding.
func TestRealGeometries(t *testing.T) {
	tests := []struct {
		dataset, file, code string
		features            int
	}{
		{"lsoa2011-boundaries", "E06000001.json.gz", "LSOA11CD", 58},
		{"lsoa2021-boundaries-bgc", "E06000001.geojson.gz", "LSOA21CD", 57},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			path := filepath.Join(depDataset(t, tt.dataset), tt.file)
			var fc struct {
				Features []struct {
					Properties map[string]any
					Geometry   json.RawMessage
				}
			}
			if err := json.Unmarshal(readAllFile(t, path), &fc); err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != tt.features {
				t.Fatalf("encoding/json reads %d features, want %d", len(fc.Features), tt.features)
			}
			want := make(map[string][]byte, len(fc.Features))
			for i, f := range fc.Features {
				code, _ := f.Properties[tt.code].(string)
				w := orbWKB(t, f.Geometry)
				got, _, err := polygonWKB(f.Geometry)
				if err != nil {
					t.Fatalf("feature %d (%s): %v", i+1, code, err)
				}
				if !bytes.Equal(got, w) {
					t.Errorf("feature %d (%s): polygonWKB differs from orb's WKB", i+1, code)
				}
				want[code] = w
			}
			n := 0
			err := ReadBoundaries(path, BoundaryFields{Code: []string{tt.code}}, func(b spatlas.Boundary) error {
				n++
				if !bytes.Equal(b.WKB, want[b.Code]) {
					t.Errorf("feature %d (%s): readBoundaries' WKB differs from orb's", b.Feature, b.Code)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) {
				t.Errorf("readBoundaries passed %d features, want %d", n, len(want))
			}
		})
	}
}

// orbWKB is the oracle: the geometry decoded by orb's geojson package and encoded by its wkb one.
func orbWKB(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		tb.Fatalf("orb cannot decode %s: %v", raw, err)
	}
	b, err := wkb.Marshal(g.Geometry())
	if err != nil {
		tb.Fatalf("orb cannot encode %s: %v", raw, err)
	}
	if len(b) < 9+16*4 {
		tb.Fatalf("orb's WKB of %s is only %d bytes", raw, len(b))
	}
	return b
}
