package postgis_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

const (
	file1 = "imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
	file2 = "imd2019/File_2_-_IoD2019_Domains_of_Deprivation.csv"
	file6 = "imd2019/File_6_-_IoD2019_Population_Denominators.csv"
	geo   = "lsoa2011-boundaries/E06000001.json"
)

func TestLoadFixture(t *testing.T) {
	db := pgtest.DB(t, "load_fixture")
	rep := load(t, db, pgtest.FixtureDir(t), true)
	if rep.LSOAs != 9 || rep.Boundaries != 9 || rep.LADs != 2 || rep.ICBs != 0 || rep.MSOAs != 3 || rep.Regions != 1 {
		t.Errorf("report = %d LSOAs, %d boundaries, %d MSOAs, %d LADs, %d ICBs, %d regions; want 9, 9, 3, 2, 0, 1",
			rep.LSOAs, rep.Boundaries, rep.MSOAs, rep.LADs, rep.ICBs, rep.Regions)
	}
	if rep.Repaired != 1 {
		t.Errorf("repaired = %d, want 1 (the bow-tie ring of E01000009)", rep.Repaired)
	}
	if rep.WithoutBoundary.Count != 0 || rep.WithoutDeprivation.Count != 0 {
		t.Errorf("unmatched rows: %+v %+v", rep.WithoutBoundary, rep.WithoutDeprivation)
	}
	if !strings.Contains(rep.PopulationSource, "File_6") {
		t.Errorf("population source = %q", rep.PopulationSource)
	}
	ctx := context.Background()

	// LAD aggregates, computed by hand from the fixture: E06000002 holds E01000007-9 with ranks
	// 26000, 30500, 32800 and populations 1450, 1800, 1350; N = 32,844.
	f, err := db.Feature(ctx, spatlas.MustCollection("iod2019-lad"), "E06000002", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	props := properties(t, f)
	wantAvg := (1450*(32845-26000) + 1800*(32845-30500) + 1350*(32845-32800)) / float64(1450+1800+1350)
	if got := props["imd_avg_rank"].(float64); got != round2(wantAvg) {
		t.Errorf("imd_avg_rank = %v, want %v", got, round2(wantAvg))
	}
	if props["lsoa_count"].(float64) != 3 || props["lsoa_decile1_count"].(float64) != 0 || props["population"].(float64) != 4600 {
		t.Errorf("E06000002 props = %v", props)
	}
	f, err = db.Feature(ctx, spatlas.MustCollection("iod2019-lad"), "E06000001", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// E06000001: six LSOAs, ranks 120 and 2500 in decile 1: 2/6 = 33.3%.
	if p := properties(t, f); p["lsoa_decile1_pct"].(float64) != 33.3 || p["lsoa_decile1_count"].(float64) != 2 {
		t.Errorf("E06000001 decile 1 = %v / %v, want 2 / 33.3", p["lsoa_decile1_count"], p["lsoa_decile1_pct"])
	}
	// The LAD is the dissolve of its LSOAs: six 0.01-degree squares.
	var area float64
	if err := db.Pool().QueryRow(ctx, "SELECT ST_Area(geom) FROM area WHERE edition = 'iod2019' AND level = 'lad' AND code = 'E06000001'").Scan(&area); err != nil {
		t.Fatal(err)
	}
	if area < 5.99e-4 || area > 6.01e-4 {
		t.Errorf("E06000001 area = %g square degrees, want 6e-4", area)
	}

	checkFixtureGeography(t, db)

	// Filters, bbox and zoom go through the real query.
	page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 100,
		Filters: []spatlas.Filter{{Property: "imd_decile", Value: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if page.NumberMatched != 2 || page.NumberReturned != 2 {
		t.Errorf("imd_decile=1 matched %d returned %d, want 2 2", page.NumberMatched, page.NumberReturned)
	}
	z := 5
	page, err = db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 100, Zoom: &z,
		BBox: &[4]float64{-1.2499, 54.5601, -1.2401, 54.5699}, Properties: []string{"code"}})
	if err != nil {
		t.Fatal(err)
	}
	var fc []struct {
		ID         string
		Properties map[string]any
	}
	if err := json.Unmarshal(page.Features, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc) != 1 || fc[0].ID != "E01000001" || len(fc[0].Properties) != 1 {
		t.Errorf("bbox inside E01000001 returned %+v", fc)
	}

	// At zoom 4 a cell is wider than a fixture square: the squares vanish and their geometry is
	// null, rather than falling back to full resolution.
	z = 4
	f, err = db.Feature(ctx, spatlas.MustCollection("iod2019-lsoa"), "E01000001", &z, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f), `"geometry":null`) {
		t.Errorf("zoom 4 feature = %.200s, want a null geometry", f)
	}

	// Collections that are unknown (the resolver says), or known but not loaded (the store
	// says), and absent features are not found.
	for _, id := range []string{"nope", "iod2019-ward"} {
		if _, err := spatlas.CollectionByID(id); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
			t.Errorf("CollectionByID(%s): %v, want not found", id, err)
		}
	}
	for _, id := range []string{"iod2025-lsoa"} {
		c := spatlas.MustCollection(id)
		if _, err := db.Features(ctx, spatlas.FeatureQuery{Collection: c, Limit: 1}); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
			t.Errorf("Features(%s): %v, want not found", id, err)
		}
		if _, err := db.Feature(ctx, c, "E01000001", nil, nil); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
			t.Errorf("Feature(%s): %v, want not found", id, err)
		}
	}
	if _, err := db.Feature(ctx, spatlas.MustCollection("iod2019-lsoa"), "E01999999", nil, nil); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		t.Errorf("absent feature: %v, want not found", err)
	}

	// A second load of unchanged files is skipped by provenance; a forced one is a new generation.
	gen, _ := db.Generation(ctx)
	if rep := load(t, db, pgtest.FixtureDir(t), false); !rep.Skipped {
		t.Error("unchanged sources were loaded again")
	}
	rep = load(t, db, pgtest.FixtureDir(t), true)
	if g, _ := db.Generation(ctx); g <= gen || rep.Generation != g {
		t.Errorf("generation %d -> %d (report %d): want it to grow", gen, g, rep.Generation)
	}
}

// checkFixtureGeography checks the MSOA and region levels of the fixture: the output area lookup
// (two rows for some LSOAs) puts E01000001-3, 004-6 and 007-9 in MSOAs E02000001-3; la_all_codes
// has E06000001 but not E06000002, whose LSOAs take their region from the output area lookup.
func checkFixtureGeography(tb testing.TB, db *postgis.DB) {
	tb.Helper()
	ctx := context.Background()
	cs, err := db.Collections(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	counts := map[string]int64{}
	for _, c := range cs {
		counts[c.ID] = c.Count
	}
	for id, n := range map[string]int64{"iod2019-lsoa": 9, "iod2019-msoa": 3, "iod2019-lad": 2, "iod2019-region": 1} {
		if counts[id] != n {
			tb.Errorf("collection %s has %d areas, want %d (all: %v)", id, counts[id], n, counts)
		}
	}
	tests := []struct {
		collection, code string
		want             map[string]any
	}{
		{"iod2019-lsoa", "E01000005", map[string]any{"msoa_code": "E02000002", "msoa_name": "Fixture 002",
			"region_code": "E12000001", "region_name": "North East", "lad_code": "E06000001"}},
		{"iod2019-lsoa", "E01000008", map[string]any{"msoa_code": "E02000003", "region_code": "E12000001"}},
		// E02000003 holds the LSOAs of E06000002: populations 1450 + 1800 + 1350 (File 6).
		{"iod2019-msoa", "E02000003", map[string]any{"name": "Fixture 003", "lad_code": "E06000002", "region_code": "E12000001",
			"lsoa_count": 3.0, "population": 4600.0}},
		{"iod2019-msoa", "E02000002", map[string]any{"lad_code": "E06000001", "lsoa_count": 3.0}},
		{"iod2019-lad", "E06000002", map[string]any{"region_code": "E12000001", "icb_code": nil}},
		{"iod2019-region", "E12000001", map[string]any{"name": "North East", "lsoa_count": 9.0, "lsoa_decile1_count": 2.0}},
	}
	for _, tt := range tests {
		f, err := db.Feature(ctx, spatlas.MustCollection(tt.collection), tt.code, nil, nil)
		if err != nil {
			tb.Errorf("%s/%s: %v", tt.collection, tt.code, err)
			continue
		}
		props := properties(tb, f)
		for k, v := range tt.want {
			if got, ok := props[k]; !ok || got != v {
				tb.Errorf("%s/%s: %s = %v (present %t), want %v", tt.collection, tt.code, k, got, ok, v)
			}
		}
	}
	// Every MSOA's and region's population is the sum of its LSOAs'; the region's shape is the
	// dissolve of its districts, and each MSOA's that of its LSOAs.
	var bad int
	var regionArea, ladArea, msoa1Area float64
	err = db.Pool().QueryRow(ctx, `
SELECT
  (SELECT count(*) FROM area p WHERE p.edition = 'iod2019' AND p.level IN ('msoa', 'region')
     AND (p.props->>'population')::bigint IS DISTINCT FROM (SELECT sum(l.population) FROM lsoa l
          WHERE l.edition = p.edition AND p.code = CASE p.level WHEN 'msoa' THEN l.msoa_code ELSE l.region_code END)),
  (SELECT ST_Area(geom) FROM area WHERE edition = 'iod2019' AND level = 'region' AND code = 'E12000001'),
  (SELECT sum(ST_Area(geom)) FROM area WHERE edition = 'iod2019' AND level = 'lad'),
  (SELECT ST_Area(geom) FROM area WHERE edition = 'iod2019' AND level = 'msoa' AND code = 'E02000001')`).Scan(&bad, &regionArea, &ladArea, &msoa1Area)
	if err != nil {
		tb.Fatal(err)
	}
	if bad != 0 {
		tb.Errorf("%d MSOAs or regions whose population is not the sum of their LSOAs'", bad)
	}
	if d := regionArea/ladArea - 1; d > 1e-6 || d < -1e-6 || regionArea == 0 {
		tb.Errorf("region area %g, sum of its districts %g", regionArea, ladArea)
	}
	if msoa1Area < 2.99e-4 || msoa1Area > 3.01e-4 {
		tb.Errorf("E02000001 area = %g square degrees, want 3e-4 (three squares)", msoa1Area)
	}
	// Areas can be filtered by what holds them.
	for _, f := range []struct {
		collection, property, value string
		want                        int64
	}{
		{"iod2019-lsoa", "msoa_code", "E02000001", 3},
		{"iod2019-lsoa", "region_code", "E12000001", 9},
		{"iod2019-msoa", "lad_code", "E06000001", 2},
		{"iod2019-lad", "region_code", "E12000001", 2},
	} {
		page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection(f.collection), Limit: 100,
			Filters: []spatlas.Filter{{Property: f.property, Value: f.value}}})
		if err != nil {
			tb.Errorf("%s?%s=%s: %v", f.collection, f.property, f.value, err)
		} else if page.NumberMatched != f.want {
			tb.Errorf("%s?%s=%s matched %d, want %d", f.collection, f.property, f.value, page.NumberMatched, f.want)
		}
	}
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

func properties(tb testing.TB, feature []byte) map[string]any {
	tb.Helper()
	var f struct{ Properties map[string]any }
	if err := json.Unmarshal(feature, &f); err != nil {
		tb.Fatal(err)
	}
	return f.Properties
}

// load runs the pipeline and the store's load of the iod2019 edition from dir; with force it
// ignores provenance.
func load(tb testing.TB, db *postgis.DB, dir string, force bool) spatlas.LoadReport {
	tb.Helper()
	rep, err := tryLoad(context.Background(), db, dir, force)
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	return rep
}

func tryLoad(ctx context.Context, db *postgis.DB, dir string, force bool) (spatlas.LoadReport, error) {
	ed, _ := spatlas.EditionByID("iod2019")
	return app.Load(ctx, db, dir, ed, force, pgtest.Logger(nil))
}

// TestLoadBadInput checks that each kind of broken input fails with an error naming the file and
// the place, and that the previously loaded data keeps serving unchanged.
func TestLoadBadInput(t *testing.T) {
	db := pgtest.DB(t, "load_bad")
	load(t, db, pgtest.FixtureDir(t), true)
	ctx := context.Background()
	before, _ := db.Generation(ctx)

	edit := func(name string, fn func(string) string) func(string) {
		return func(dir string) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(fn(string(b))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		break_ func(dir string)
		want   []string // all in the error message
	}{
		{"truncated GeoJSON", edit(geo, func(s string) string { return s[:len(s)/2] }),
			[]string{"E06000001.json", "truncated"}},
		{"missing required column", edit(file1, func(s string) string {
			return strings.Replace(s, "LSOA code (2011)", "Area", 1)
		}), []string{"File_1", "code"}},
		{"non-numeric rank", edit(file2, func(s string) string {
			return strings.Replace(s, "E01000003,Fixture 003A,E06000001,Hartlepool,3400,", "E01000003,Fixture 003A,E06000001,Hartlepool,high,", 1)
		}), []string{"File_2", ":4:", "high"}},
		{"duplicate LSOA code in a CSV", edit(file6, func(s string) string { return strings.Replace(s, "E01000004", "E01000003", 1) }),
			[]string{"File_6", "E01000003"}},
		{"duplicate LSOA code in the boundaries", edit(geo, func(s string) string {
			return strings.Replace(s, `"LSOA11CD": "E01000002"`, `"LSOA11CD": "E01000001"`, 1)
		}), []string{"E01000001", "more than once", "feature 1", "feature 2"}},
		{"empty file", edit(file6, func(string) string { return "" }), []string{"File_6", "empty"}},
		{"file of the wrong edition", edit(file1, func(s string) string {
			s = strings.ReplaceAll(s, "(2011)", "(2021)")
			return strings.ReplaceAll(s, "(2019)", "(2024)")
		}), []string{"File_1", "2021"}},
		{"boundaries of another geography", edit(geo, func(s string) string { return strings.ReplaceAll(s, `"E010`, `"W010`) }),
			[]string{"none of the 9 deprivation rows has a boundary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := pgtest.FixtureDir(t)
			tt.break_(dir)
			_, err := tryLoad(ctx, db, dir, true)
			if err == nil {
				t.Fatal("load succeeded")
			}
			if spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Errorf("code = %s, want invalid: %v", spatlas.ErrorCode(err), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if g, _ := db.Generation(ctx); g != before {
				t.Errorf("generation changed %d -> %d: the failed load changed data", before, g)
			}
			page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 100})
			if err != nil || page.NumberMatched != 9 {
				t.Errorf("after the failed load: %d features, err %v; want the previous 9", page.NumberMatched, err)
			}
		})
	}
}

// TestLoadWithoutBoundary checks that deprivation rows with no boundary are loaded without a
// geometry and counted, never dropped.
func TestLoadWithoutBoundary(t *testing.T) {
	db := pgtest.DB(t, "load_noboundary")
	dir := pgtest.FixtureDir(t)
	p := filepath.Join(dir, geo)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), `"LSOA11CD": "E01000005"`, `"LSOA11CD": "E01099999"`, 1)), 0o644)
	rep := load(t, db, dir, true)
	if rep.WithoutBoundary.Count != 1 || rep.WithoutBoundary.Sample[0] != "E01000005" {
		t.Errorf("without boundary = %+v, want E01000005", rep.WithoutBoundary)
	}
	if rep.WithoutDeprivation.Count != 1 || rep.WithoutDeprivation.Sample[0] != "E01099999" {
		t.Errorf("without deprivation = %+v, want E01099999", rep.WithoutDeprivation)
	}
	f, err := db.Feature(context.Background(), spatlas.MustCollection("iod2019-lsoa"), "E01000005", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f), `"geometry":null`) {
		t.Errorf("E01000005 = %s, want a null geometry", f)
	}
}

// TestLoadCancelled checks that a load stopped part-way (as when the process is killed: the
// transaction is never committed) leaves the previous data in place.
func TestLoadCancelled(t *testing.T) {
	db := pgtest.DB(t, "load_cancel")
	load(t, db, pgtest.FixtureDir(t), true)
	gen, _ := db.Generation(context.Background())
	for _, after := range []time.Duration{time.Millisecond, 20 * time.Millisecond, 60 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		_, err := tryLoad(ctx, db, pgtest.FixtureDir(t), true)
		cancel()
		if err == nil {
			continue // finished in time; nothing to check
		}
		if g, _ := db.Generation(context.Background()); g != gen {
			t.Fatalf("cancelled after %s: generation %d -> %d", after, gen, g)
		}
		page, err := db.Features(context.Background(), spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 10})
		if err != nil || page.NumberMatched != 9 {
			t.Fatalf("cancelled after %s: %d features, %v", after, page.NumberMatched, err)
		}
	}
}
