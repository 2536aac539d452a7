package app

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestCSVCandidates(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       []pointIn // lon, lat rounded to 1e-4; label
		err        string
	}{
		{"lon lat and label", "label,lon,lat\nA,-1.5,53.8\n\nB,-1.6,53.9\n", []pointIn{pt(-1.5, 53.8, "A"), pt(-1.6, 53.9, "B")}, ""},
		{"longitude latitude, name, CRLF", "Name,Longitude,Latitude\r\nHub,-0.1276,51.5072\r\n", []pointIn{pt(-0.1276, 51.5072, "Hub")}, ""},
		// The OS guide's worked example: TG 51401 13176 is 52 39 27.2531 N, 1 43 4.5177 E in OSGB36,
		// which the Helmert shift moves to about 52.6580 N, 1.7161 E in WGS84.
		{"easting northing", "easting,northing\n651409.903,313177.270\n", []pointIn{pt(1.7161, 52.6580, "")}, ""},
		{"no point columns", "x,y\n1,2\n", nil, `candidates_csv:1: want columns lon and lat, or easting and northing`},
		{"bad number", "lon,lat\n-1.5,53.8\n-1.5,north\n", nil, `candidates_csv:3: column "lat": "north" is not a number`},
		{"missing value", "lon,lat,label\n-1.5,,A\n", nil, `candidates_csv:2: a point needs both "lon" and "lat"`},
		{"ragged row", "lon,lat\n-1.5,53.8,9\n", nil, "candidates_csv"},
		{"empty", "", nil, "candidates_csv"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CSVCandidates(tt.text)
			checkPoints(t, got, err, tt.want, tt.err)
		})
	}
}

func TestGeoJSONCandidates(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       []pointIn
		err        string
	}{
		{"points", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.5,53.8]},"properties":{"name":"A"}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.6,53.9,12]},"properties":null}]}`,
			[]pointIn{pt(-1.5, 53.8, "A"), pt(-1.6, 53.9, "")}, ""},
		{"not a collection", `{"type":"Feature"}`, nil, `candidates_geojson: type "Feature", want FeatureCollection`},
		{"polygon", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[0,52]}},
			{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}]}`, nil, "candidates_geojson features[1]: want a Point geometry"},
		{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`, nil, "features[0]: want a Point geometry"},
		{"bad coordinates", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}]}`, nil, "features[0]: coordinates [1]"},
		{"not JSON", `[`, nil, "candidates_geojson: not a GeoJSON FeatureCollection"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GeoJSONCandidates(json.RawMessage(tt.text))
			checkPoints(t, got, err, tt.want, tt.err)
		})
	}
}

func pt(lon, lat float64, label string) pointIn { return pointIn{Lon: &lon, Lat: &lat, Label: label} }

func checkPoints(t *testing.T, got []pointIn, err error, want []pointIn, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %v, want one containing %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d points, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Abs(*got[i].Lon-*want[i].Lon) > 1e-4 || math.Abs(*got[i].Lat-*want[i].Lat) > 1e-4 || got[i].Label != want[i].Label || got[i].where == "" {
			t.Errorf("point %d: (%v, %v, %q, %q), want (%v, %v, %q)", i, *got[i].Lon, *got[i].Lat, got[i].Label, got[i].where, *want[i].Lon, *want[i].Lat, want[i].Label)
		}
	}
}
