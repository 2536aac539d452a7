package postgis_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// asset returns an asset at lon/lat in the fixture's grid (-1.25 to -1.22, 54.56 to 54.59).
func asset(row int, name, category string, lon, lat float64) spatlas.Asset {
	return spatlas.Asset{Row: row, SourceID: "id" + string(rune('A'+row)), Name: name, Category: category,
		Loc: spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}}
}

func assetImport(file string, assets ...spatlas.Asset) *spatlas.Import {
	return &spatlas.Import{Kind: spatlas.KindAssets, Dataset: "test", File: file, RowsRead: len(assets), Assets: assets}
}

type featureCollection struct {
	Features []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
}

func features(t *testing.T, db *postgis.DB, q spatlas.FeatureQuery) (featureCollection, int64) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	page, err := db.Features(context.Background(), q)
	if err != nil {
		t.Fatalf("features %+v: %v", q, err)
	}
	var fc featureCollection
	if err := json.Unmarshal(page.Features, &fc.Features); err != nil {
		t.Fatalf("features JSON: %v\n%s", err, page.Features)
	}
	return fc, page.NumberMatched
}

// provisionDB returns a database with the fixture edition loaded and no provision data.
func provisionDB(t *testing.T, name string) *postgis.DB {
	t.Helper()
	db := pgtest.DB(t, name)
	pgtest.Load(t, db, pgtest.FixtureDir(t), "iod2019")
	if _, err := db.Pool().Exec(context.Background(), "TRUNCATE provision_file, asset, asset_source, service"); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestLoadAssets(t *testing.T) {
	db := provisionDB(t, "provision_assets")
	ctx := context.Background()
	// The square 0.001 degrees wide inside E01000005, as WKB: a place of worship's footprint.
	area := []byte{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0}
	for _, xy := range [][2]float64{{-1.2355, 54.5745}, {-1.2345, 54.5745}, {-1.2345, 54.5755}, {-1.2355, 54.5755}, {-1.2355, 54.5745}} {
		area = appendFloat(appendFloat(area, xy[0]), xy[1])
	}
	first := assetImport("a.csv",
		asset(2, "St Mary's Church", "faith-community", -1.2450, 54.5650),
		asset(3, "St Marys church", "faith-community", -1.2449, 54.5651), // 13 m away: the same place
		asset(4, "Food Bank", "food", -1.2350, 54.5650),
		asset(5, "Unknown", "faith-community", -1.2450, 54.5650), // unnamed: never merged
		asset(6, "Unknown", "faith-community", -1.2450, 54.5650),
		asset(7, "Out at sea", "other", -0.5, 54.8),
	)
	worship := asset(8, "Chapel", "faith-community", -1.2355, 54.5745)
	worship.Loc.Area = area
	first.Assets = append(first.Assets, worship)
	first.RowsRead = len(first.Assets) + 1
	first.Rejected = []spatlas.RowIssue{{Row: 9, Reason: "latitude 100 is out of range (-90 to 90)"}}

	rep, err := db.LoadImport(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Loaded != 7 || rep.Merged != 1 || rep.NoLSOA != 1 || rep.Rejected.Count != 1 {
		t.Errorf("first load: loaded %d merged %d no_lsoa %d rejected %d; want 7 1 1 1", rep.Loaded, rep.Merged, rep.NoLSOA, rep.Rejected.Count)
	}
	second := assetImport("b.geojson", asset(1, "The St. Mary’s Church", "faith-community", -1.2451, 54.5652))
	if rep, err = db.LoadImport(ctx, second); err != nil {
		t.Fatal(err)
	}
	if rep.Merged != 1 {
		t.Errorf("second file: merged %d, want 1 (same normalised name, 25 m away)", rep.Merged)
	}
	fc, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets")})
	if n != 6 {
		t.Fatalf("assets = %d, want 6 (7 rows of a.csv, one merged, and b.geojson merged)", n)
	}
	byName := map[string]map[string]any{}
	for _, f := range fc.Features {
		byName[f.Properties["name"].(string)] = f.Properties
	}
	church := byName["St Mary's Church"]
	if church == nil || len(church["sources"].([]any)) != 3 || church["lsoa11_code"] != "E01000001" {
		t.Errorf("church = %v; want 3 sources in E01000001", church)
	}
	if p := byName["Chapel"]; p == nil || p["lsoa11_code"] != "E01000005" {
		t.Errorf("chapel footprint placed in %v, want E01000005", p["lsoa11_code"])
	}
	if p := byName["Out at sea"]; p == nil || p["lsoa11_code"] != nil {
		t.Errorf("point at sea = %v, want no LSOA", p)
	}

	// Reloading a file is idempotent; a failed load changes nothing.
	if _, err := db.LoadImport(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets")}); n != 6 {
		t.Errorf("after reload: %d assets, want 6", n)
	}
	bad := assetImport("a.csv", asset(2, "Only one", "", -1.245, 54.565))
	if _, err := db.LoadImport(ctx, bad); err == nil {
		t.Error("load of an asset without a category succeeded")
	}
	if _, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets")}); n != 6 {
		t.Errorf("after a failed load: %d assets, want 6", n)
	}

	tests := []struct {
		name    string
		filters []spatlas.Filter
		bbox    *[4]float64
		want    int64
	}{
		{"category", []spatlas.Filter{{Property: "category", Value: "food"}}, nil, 1},
		{"category list", []spatlas.Filter{{Property: "category", Value: "food,other"}}, nil, 2},
		{"lsoa", []spatlas.Filter{{Property: "lsoa11_code", Value: "E01000001"}}, nil, 3},
		{"lad", []spatlas.Filter{{Property: "lad_code", Value: "E06000001"}}, nil, 5},
		{"source", []spatlas.Filter{{Property: "source", Value: "nope"}}, nil, 0},
		{"bbox", nil, &[4]float64{-1.24, 54.56, -1.23, 54.57}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets"), Filters: tc.filters, BBox: tc.bbox}); n != tc.want {
				t.Errorf("matched %d, want %d", n, tc.want)
			}
		})
	}

	reps, err := db.ProvisionReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 2 || reps[0].File != "a.csv" || reps[0].Rejected.Rows[0].Row != 9 {
		t.Errorf("reports = %+v", reps)
	}
}

func TestLoadServices(t *testing.T) {
	db := provisionDB(t, "provision_services")
	ctx := context.Background()
	caseload := func(n int64) *int64 { return &n }
	im := &spatlas.Import{Kind: spatlas.KindServices, Dataset: "test", File: "services.csv", RowsRead: 3, Services: []spatlas.Service{
		{Row: 2, Name: "Practice A", ProviderType: "pcn", PCNCode: "U00001", FTE: 1.5, Caseload: caseload(5),
			Loc: spatlas.Location{X: -1.245, Y: 54.565, SRID: spatlas.SRIDWGS84}},
		{Row: 3, Name: "Advice centre", ProviderType: "vcs", FTE: 2, Caseload: caseload(123),
			Loc: spatlas.Location{X: 444500, Y: 516700, SRID: spatlas.SRIDBNG}},
		{Row: 4, Name: "Council scheme", ProviderType: "la", FTE: 0.5,
			Loc: spatlas.Location{X: -1.235, Y: 54.575, SRID: spatlas.SRIDWGS84}},
	}}
	im.RowsRead = 3
	if _, err := db.LoadImport(ctx, im); err != nil {
		t.Fatal(err)
	}
	fc, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("services")})
	if n != 3 {
		t.Fatalf("services = %d, want 3", n)
	}
	got := map[string]map[string]any{}
	for _, f := range fc.Features {
		got[f.Properties["name"].(string)] = f.Properties
	}
	if p := got["Practice A"]; p["caseload"] != nil || p["caseload_suppressed"] != true || p["fte"] != 1.5 || p["lsoa11_code"] != "E01000001" {
		t.Errorf("practice A = %v; want a suppressed caseload, FTE 1.5, in E01000001", p)
	}
	if p := got["Advice centre"]; p["caseload"] != float64(125) {
		t.Errorf("caseload 123 published as %v, want 125", p["caseload"])
	}
	if _, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("services"), Filters: []spatlas.Filter{{Property: "provider_type", Value: "vcs,la"}}}); n != 2 {
		t.Errorf("vcs,la = %d services, want 2", n)
	}

	// A row the database refuses rolls the whole load back.
	bad := *im
	bad.Services = append([]spatlas.Service(nil), im.Services...)
	bad.Services[2].FTE = -1
	if _, err := db.LoadImport(ctx, &bad); err == nil || !strings.Contains(err.Error(), "services.csv") {
		t.Errorf("load with a negative FTE: err = %v, want an error naming the file", err)
	}
	if _, n := features(t, db, spatlas.FeatureQuery{Collection: spatlas.MustCollection("services")}); n != 3 {
		t.Errorf("after a failed load: %d services, want 3", n)
	}
}

func TestNameKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"St Mary's Church", "st marys church"},
		{"  THE St. Mary’s  church ", "st marys church"},
		{"Age UK & Carers", "age uk and carers"},
		{"Sale Library", "sale"},
		{"Library", ""},
		{"Unknown", ""},
		{"", ""},
		{"--", ""},
	}
	for _, tc := range tests {
		if got := postgis.NameKey(tc.in); got != tc.want {
			t.Errorf("NameKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func appendFloat(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}
