package linkworkers

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// readServices reads a services fixture of testdata with ReadServices or ReadServicesGeoJSON.
func readServices(tb testing.TB, file string, pc spatlas.Postcodes) (*spatlas.Import, error) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(file, ".geojson") {
		return ReadServicesGeoJSON("services-test", file, f, pc)
	}
	return ReadServices("services-test", file, f, pc)
}

// outcome is where one row ended.
type outcome struct {
	list   string // "service", "rejected" or "unlocated"
	reason string // part of the reason, for issues
}

// outcomes returns where each row ended, by id, failing when a row is in two lists.
func outcomes(tb testing.TB, im *spatlas.Import) map[string]outcome {
	tb.Helper()
	checkBuckets(tb, im)
	out := make(map[string]outcome)
	add := func(id string, o outcome) {
		if prev, dup := out[id]; dup {
			tb.Errorf("%s is %s and %s", id, prev.list, o.list)
		}
		out[id] = o
	}
	for _, s := range im.Services {
		add(s.SourceID, outcome{list: "service"})
	}
	for _, r := range im.Rejected {
		add(r.ID, outcome{"rejected", r.Reason})
	}
	for _, r := range im.Unlocated {
		add(r.ID, outcome{"unlocated", r.Reason})
	}
	return out
}

func TestReadServicesExample(t *testing.T) {
	type want struct {
		provider string
		fte      float64
		caseload int64 // -1: none
		srid     int
		x, y     float64 // the location, to 1e-6
		area     bool
	}
	for _, tc := range []struct {
		name      string
		file      string
		pc        spatlas.Postcodes
		services  map[string]want
		unlocated map[string]string
	}{
		{
			name: "CSV without a postcode lookup", file: "services.csv",
			services: map[string]want{
				"vcs-nor-1": {spatlas.ProviderVCS, 2.5, 180, spatlas.SRIDWGS84, 1.2974, 52.6309, false},
				"la-man-1":  {spatlas.ProviderLA, 4, 320, spatlas.SRIDBNG, 384000, 398000, true},
				"la-bri-1":  {spatlas.ProviderLA, 3, 1250, spatlas.SRIDWGS84, -2.5879, 51.4545, true},
				"vcs-cor-1": {spatlas.ProviderVCS, 1.2, -1, spatlas.SRIDWGS84, -5.0, 50.275, true}, // the catchment's centroid
			},
			unlocated: map[string]string{
				"vcs-lds-1": "located by postcode only, and no postcode lookup is loaded",
				"oth-ply-1": "located by postcode only, and no postcode lookup is loaded",
			},
		},
		{
			name: "CSV with a postcode lookup", file: "services.csv", pc: testPostcodes(),
			services: map[string]want{
				"vcs-nor-1": {spatlas.ProviderVCS, 2.5, 180, spatlas.SRIDWGS84, 1.2974, 52.6309, false},
				"la-man-1":  {spatlas.ProviderLA, 4, 320, spatlas.SRIDBNG, 384000, 398000, true},
				"vcs-lds-1": {spatlas.ProviderVCS, 1.6, -1, spatlas.SRIDWGS84, -1.55, 53.80, false},
				"la-bri-1":  {spatlas.ProviderLA, 3, 1250, spatlas.SRIDWGS84, -2.5879, 51.4545, true},
				"oth-ply-1": {spatlas.ProviderOther, 0.8, 45, spatlas.SRIDWGS84, -4.14, 50.37, false},
				"vcs-cor-1": {spatlas.ProviderVCS, 1.2, -1, spatlas.SRIDWGS84, -5.0, 50.275, true},
			},
		},
		{
			name: "GeoJSON without a postcode lookup", file: "services.geojson",
			services: map[string]want{
				"vcs-yor-1": {spatlas.ProviderVCS, 2, 150, spatlas.SRIDWGS84, -1.0815, 53.9590, false},
				"la-cov-1":  {spatlas.ProviderLA, 3.5, -1, spatlas.SRIDWGS84, -1.475, 52.40, true}, // centroid: CV1 5RR cannot be looked up
				"vcs-wol-1": {spatlas.ProviderVCS, 1, -1, spatlas.SRIDWGS84, -2.075, 52.575, true},
				"la-new-1":  {spatlas.ProviderLA, 2.4, -1, spatlas.SRIDBNG, 424900, 564300, false},
				"oth-bri-1": {spatlas.ProviderOther, 0.6, -1, spatlas.SRIDWGS84, -0.1372, 50.8225, true},
			},
			unlocated: map[string]string{"vcs-hul-1": "no postcode lookup is loaded"},
		},
		{
			name: "GeoJSON with a postcode lookup", file: "services.geojson", pc: testPostcodes(),
			services: map[string]want{
				"vcs-yor-1": {spatlas.ProviderVCS, 2, 150, spatlas.SRIDWGS84, -1.0815, 53.9590, false},
				"la-cov-1":  {spatlas.ProviderLA, 3.5, -1, spatlas.SRIDWGS84, -1.51, 52.41, true},
				"vcs-wol-1": {spatlas.ProviderVCS, 1, -1, spatlas.SRIDWGS84, -2.075, 52.575, true},
				"la-new-1":  {spatlas.ProviderLA, 2.4, -1, spatlas.SRIDBNG, 424900, 564300, false},
				"oth-bri-1": {spatlas.ProviderOther, 0.6, -1, spatlas.SRIDWGS84, -0.1372, 50.8225, true},
				"vcs-hul-1": {spatlas.ProviderVCS, 1, -1, spatlas.SRIDWGS84, -0.34, 53.74, false},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := readServices(t, tc.file, tc.pc)
			if err != nil {
				t.Fatal(err)
			}
			if im.RowsRead != 6 || len(im.Rejected) != 0 || im.File != tc.file || im.Dataset != "services-test" {
				t.Errorf("rows %d, rejected %v, file %q, dataset %q", im.RowsRead, im.Rejected, im.File, im.Dataset)
			}
			out := outcomes(t, im)
			for _, s := range im.Services {
				w, ok := tc.services[s.SourceID]
				if !ok {
					t.Errorf("unexpected service %+v", s)
					continue
				}
				caseload := int64(-1)
				if s.Caseload != nil {
					caseload = *s.Caseload
				}
				if s.ProviderType != w.provider || s.FTE != w.fte || caseload != w.caseload || s.Loc.SRID != w.srid ||
					math.Abs(s.Loc.X-w.x) > 1e-6 || math.Abs(s.Loc.Y-w.y) > 1e-6 || (s.Catchment != nil) != w.area {
					t.Errorf("%s: got %s %v caseload %d SRID %d (%v, %v) catchment %d bytes; want %+v",
						s.SourceID, s.ProviderType, s.FTE, caseload, s.Loc.SRID, s.Loc.X, s.Loc.Y, len(s.Catchment), w)
				}
				if s.Name == "" || s.File != tc.file || s.Row < 1 {
					t.Errorf("%s: name %q file %q row %d", s.SourceID, s.Name, s.File, s.Row)
				}
				if s.Catchment != nil {
					g, err := wkb.Unmarshal(s.Catchment)
					if err != nil {
						t.Errorf("%s: catchment WKB: %v", s.SourceID, err)
					} else if _, ok := g.(orb.Polygon); !ok {
						if _, ok := g.(orb.MultiPolygon); !ok {
							t.Errorf("%s: catchment is a %s", s.SourceID, g.GeoJSONType())
						}
					}
				}
			}
			if len(im.Services) != len(tc.services) {
				t.Errorf("%d services, want %d", len(im.Services), len(tc.services))
			}
			for id, reason := range tc.unlocated {
				if o := out[id]; o.list != "unlocated" || !strings.Contains(o.reason, reason) {
					t.Errorf("%s: %s %q, want unlocated %q", id, o.list, o.reason, reason)
				}
			}
		})
	}
}

func TestReadServicesBroken(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		pc   spatlas.Postcodes
		want map[string]outcome
	}{
		{"CSV", "services-broken.csv", testPostcodes(), map[string]outcome{
			"b1":  {"rejected", `fte "abc" is not a number`},
			"b2":  {"rejected", `provider_type "NHS Trust" is not one of pcn, vcs, la, other`},
			"b3":  {"rejected", "latitude 100 is out of range"},
			"b4":  {"rejected", "latitude and longitude look swapped"},
			"b5":  {"rejected", "catchment_wkt is not WKT"},
			"b6":  {"rejected", "caseload -5 is negative"},
			"b7":  {"rejected", "name is empty"},
			"b8":  {"rejected", "lat is given without lon"},
			"b9":  {"rejected", "off the British National Grid"},
			"b10": {"rejected", "the catchment is in easting/northing (EPSG:27700) but the location is in longitude/latitude"},
			"b11": {"rejected", "catchment: a ring is not closed"},
			"b12": {"rejected", "(0, 0)"},
			"b13": {"unlocated", `postcode "ZZ99 9ZZ" is not in the postcode lookup`},
			"b14": {"unlocated", "no location"},
			"b15": {"rejected", "fte -1 is negative"},
			"b16": {"rejected", "catchment_wkt is a POINT"},
			"b17": {"rejected", `caseload "2.5" is not a whole number`},
			"b18": {"rejected", "fte is empty"},
			"b19": {"rejected", "outside England and Wales"},
		}},
		{"GeoJSON", "services-broken.geojson", nil, map[string]outcome{
			"g1": {"rejected", "geometry is a LineString"},
			"g2": {"rejected", "geometry: latitude 100 is out of range"},
			"g3": {"rejected", "look swapped"},
			"g4": {"rejected", "give the catchment once"},
			"g5": {"rejected", `provider_type "hospital" is not one of`},
			"g6": {"rejected", `fte "abc" is not a number`},
			"g7": {"rejected", "catchment is not a GeoJSON geometry"},
			"g8": {"rejected", `property "name" is not a string or number`},
			"g9": {"unlocated", "no postcode lookup is loaded"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := readServices(t, tc.file, tc.pc)
			if err != nil {
				t.Fatal(err)
			}
			if im.RowsRead != len(tc.want) || len(im.Services) != 0 {
				t.Errorf("rows %d, services %d; want %d, 0", im.RowsRead, len(im.Services), len(tc.want))
			}
			got := outcomes(t, im)
			for id, w := range tc.want {
				if o := got[id]; o.list != w.list || !strings.Contains(o.reason, w.reason) {
					t.Errorf("%s: %s %q, want %s %q", id, o.list, o.reason, w.list, w.reason)
				}
			}
			for i, r := range append(im.Rejected, im.Unlocated...) {
				if r.Row < 1 {
					t.Errorf("issue %d has no row: %+v", i, r)
				}
			}
		})
	}
}

// TestReadServicesRows checks that Row is the CSV line or the feature number.
func TestReadServicesRows(t *testing.T) {
	im, err := readServices(t, "services-broken.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(im.Rejected, im.Unlocated...) {
		if want := "b" + strconv.Itoa(r.Row-1); r.ID != want {
			t.Errorf("row %d has id %s, want %s", r.Row, r.ID, want)
		}
	}
	im, err = readServices(t, "services-broken.geojson", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(im.Rejected, im.Unlocated...) {
		if want := "g" + strconv.Itoa(r.Row); r.ID != want {
			t.Errorf("feature %d has id %s, want %s", r.Row, r.ID, want)
		}
	}
}

func TestReadServicesFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
		geojson          bool
	}{
		{"missing provider_type column", "services-no-provider.csv", `services-no-provider.csv:1: missing column "provider_type"`, false},
		{"wrong number of fields", "services-ragged.csv", "services-ragged.csv:3: the record has a different number of fields", false},
		{"GeoJSON read as CSV", "services.geojson", "services.geojson:", false},
		{"truncated JSON", "services-truncated.geojson", "services-truncated.geojson:2: not valid JSON: the file ends early", true},
		{"not a FeatureCollection", "services-topology.geojson", `services-topology.geojson:1: not a GeoJSON FeatureCollection or Feature (type "Topology")`, true},
		{"CSV read as GeoJSON", "services.csv", "services.csv:1: not valid JSON", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if tc.geojson {
				_, err = ReadServicesGeoJSON("d", tc.file, f, nil)
			} else {
				_, err = ReadServices("d", tc.file, f, nil)
			}
			checkError(t, err, tc.want)
		})
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"unsupported crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`,
			`x.geojson: crs "urn:ogc:def:crs:EPSG::3857" is not supported`},
		{"features not a list", "{\"type\": \"FeatureCollection\",\n\"features\": 3}", "x.geojson:2: not GeoJSON: features is number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadServicesGeoJSON("d", "x.geojson", strings.NewReader(tc.data), nil)
			checkError(t, err, tc.want)
		})
	}
}

func TestReadServicesGeoJSONBNG(t *testing.T) {
	data := `{"type": "FeatureCollection",
	"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
	"features": [
	  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [384000, 398000]},
	   "properties": {"id": "p", "name": "Point In Metres", "provider_type": "la", "fte": 1}},
	  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[380000, 395000], [388000, 395000], [388000, 401000], [380000, 395000]]]},
	   "properties": {"id": "a", "name": "Area In Metres", "provider_type": "la", "fte": 1}}
	]}`
	im, err := ReadServicesGeoJSON("d", "bng.geojson", strings.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkBuckets(t, im)
	if len(im.Services) != 2 {
		t.Fatalf("services %+v, rejected %+v", im.Services, im.Rejected)
	}
	for _, s := range im.Services {
		if s.Loc.SRID != spatlas.SRIDBNG || spatlas.CheckEastingNorthing(s.Loc.X, s.Loc.Y) != "" {
			t.Errorf("%s: %+v", s.SourceID, s.Loc)
		}
	}
}

func TestProviderType(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"PCN", spatlas.ProviderPCN},
		{"Primary Care Network", spatlas.ProviderPCN},
		{"vcs", spatlas.ProviderVCS},
		{"VCSE", spatlas.ProviderVCS},
		{" Voluntary ", spatlas.ProviderVCS},
		{"voluntary & community sector", spatlas.ProviderVCS},
		{"Voluntary, Community, Faith and Social Enterprise", spatlas.ProviderVCS},
		{"LA", spatlas.ProviderLA},
		{"local_authority", spatlas.ProviderLA},
		{"Council", spatlas.ProviderLA},
		{"OTHER", spatlas.ProviderOther},
		{"NHS Trust", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ProviderType(tc.in)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("ProviderType(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestCatchmentWKT(t *testing.T) {
	const head = "id,name,provider_type,fte,lat,lon,easting,northing,catchment_wkt\n"
	for _, tc := range []struct {
		name, row, list, reason string
	}{
		{"degrees", `r,N,vcs,1,52.63,1.29,,,"POLYGON((1.2 52.6, 1.3 52.6, 1.3 52.7, 1.2 52.6))"`, "service", ""},
		{"EWKT metres", `r,N,la,1,,,384000,398000,"SRID=27700;POLYGON((380000 395000, 388000 395000, 388000 401000, 380000 395000))"`, "service", ""},
		{"EWKT SRID not the row's", `r,N,la,1,,,384000,398000,"SRID=4326;POLYGON((1.2 52.6, 1.3 52.6, 1.3 52.7, 1.2 52.6))"`, "rejected", "the catchment is in longitude/latitude"},
		{"EWKT other SRID", `r,N,la,1,,,384000,398000,"SRID=3857;POLYGON((1 2, 3 4, 5 6, 1 2))"`, "rejected", "catchment_wkt has SRID=3857"},
		{"catchment only, in metres", `r,N,la,1,,,,,"POLYGON((380000 395000, 388000 395000, 388000 401000, 380000 401000, 380000 395000))"`, "service", ""},
		{"catchment in the sea", `r,N,la,1,,,,,"POLYGON((-10 45, -9 45, -9 46, -10 45))"`, "rejected", "catchment: its middle"},
		{"ring of three points", `r,N,la,1,52.63,1.29,,,"POLYGON((1.2 52.6, 1.3 52.6, 1.2 52.6))"`, "rejected", "a ring has 3 points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ReadServices("d", "c.csv", strings.NewReader(head+tc.row+"\n"), nil)
			if err != nil {
				t.Fatal(err)
			}
			o := outcomes(t, im)["r"]
			if o.list != tc.list || !strings.Contains(o.reason, tc.reason) {
				t.Errorf("%s %q, want %s %q", o.list, o.reason, tc.list, tc.reason)
			}
			if tc.list == "service" {
				s := im.Services[0]
				g, err := wkb.Unmarshal(s.Catchment)
				if err != nil {
					t.Fatal(err)
				}
				if c := g.Bound().Center(); checkLocation(spatlas.Location{X: c[0], Y: c[1], SRID: s.Loc.SRID}) != "" {
					t.Errorf("catchment %v is not in the location's SRID %d", g, s.Loc.SRID)
				}
			}
		})
	}
}
