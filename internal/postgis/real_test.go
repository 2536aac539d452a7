package postgis_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestGeneralisedBandsOpenNoGaps checks on real boundaries that the zoom-band geometries keep
// neighbours touching: a gap between two LSOAs would add a ring to the union of a district's
// LSOAs, so the union at a band may have at most the rings of the full-resolution union, and the
// same area to within a fraction of a per cent.
func TestGeneralisedBandsOpenNoGaps(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET client_min_messages = warning"); err != nil {
		t.Fatal(err)
	}
	const q = `
WITH l AS (SELECT code FROM lsoa WHERE edition = $1 AND lad_code = $2),
full_res AS (SELECT ST_Union(a.geom, 1e-9) AS u FROM area a JOIN l USING (code) WHERE a.edition = $1 AND a.level = 'lsoa'),
band AS (SELECT ST_Union(ST_MakeValid(g.geom), 1e-9) AS u FROM area_geom g JOIN l USING (code)
         WHERE g.edition = $1 AND g.level = 'lsoa' AND g.zoom = $3)
SELECT ST_NRings(f.u), ST_NRings(b.u), ST_Area(f.u::geography), ST_Area(b.u::geography) FROM full_res f, band b`
	for _, tt := range []struct {
		edition, lad string
		zoom         int
	}{
		{"iod2025", "E06000002", 10}, {"iod2025", "E06000002", 12},
		{"iod2019", "E08000025", 12}, {"iod2025", "E09000033", 12},
	} {
		var fullRings, bandRings int
		var fullArea, bandArea float64
		if err := conn.QueryRow(ctx, q, tt.edition, tt.lad, tt.zoom).Scan(&fullRings, &bandRings, &fullArea, &bandArea); err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if bandRings > fullRings {
			t.Errorf("%s %s zoom %d: %d rings against %d at full resolution: generalisation opened gaps", tt.edition, tt.lad, tt.zoom, bandRings, fullRings)
		}
		if d := bandArea/fullArea - 1; d > 0.002 || d < -0.002 {
			t.Errorf("%s %s zoom %d: area differs by %.3f%%", tt.edition, tt.lad, tt.zoom, 100*d)
		}
	}
}

// TestLSOAPoints checks METHODS.md's LSOA point on real data: the population-weighted centroid
// where one is loaded (the ONS sample for South West England), else a point on the polygon's
// surface, with the source recorded. Centroids were computed on full-resolution boundaries, so a
// few lie just outside the 20 m generalised polygons, never far.
func TestLSOAPoints(t *testing.T) {
	db := pgtest.Real(t)
	rows, err := db.Pool().Query(context.Background(), `
SELECT edition, point_source, count(*), count(*) FILTER (WHERE NOT ST_Intersects(point, geom)),
       coalesce(max(ST_Distance(point, geom)), 0)
FROM lsoa GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int64{}
	for rows.Next() {
		var ed, src string
		var n, outside int64
		var dist float64
		if err := rows.Scan(&ed, &src, &n, &outside, &dist); err != nil {
			t.Fatal(err)
		}
		got[ed+" "+src] = n
		if src == "point_on_surface" && outside > 0 {
			t.Errorf("%s: %d points on surface lie outside their polygon", ed, outside)
		}
		if dist > 100 {
			t.Errorf("%s %s: a point lies %.0f m from its polygon", ed, src, dist)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"iod2019 point_on_surface":             32844,
		"iod2025 population_weighted_centroid": 1814, "iod2025 point_on_surface": 33755 - 1814,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d LSOAs, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestGeographyLevelsRealData checks the MSOA and region levels of both editions on the real
// data: 6,791 MSOAs 2011 and 6,856 MSOAs 2021 in England, 9 regions each, every LSOA placed in
// both; each MSOA's population is the sum of its LSOAs', each MSOA lies in one district and
// region but one (West Northamptonshire 048, whose LSOA E01027305 the 2024 lookup puts in
// Cherwell, in another region), every region has a shape covering its districts, and the
// collections are listed.
func TestGeographyLevelsRealData(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	cs, err := db.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, c := range cs {
		counts[c.ID] = c.Count
	}
	tests := []struct {
		edition        string
		msoas, regions int64
		split          string // the MSOA split between districts, if any
	}{
		{"iod2019", 6791, 9, ""},
		{"iod2025", 6856, 9, "E02005686"},
	}
	for _, tt := range tests {
		t.Run(tt.edition, func(t *testing.T) {
			if got := counts[tt.edition+"-msoa"]; got != tt.msoas {
				t.Errorf("collection %s-msoa lists %d areas, want %d", tt.edition, got, tt.msoas)
			}
			if got := counts[tt.edition+"-region"]; got != tt.regions {
				t.Errorf("collection %s-region lists %d areas, want %d", tt.edition, got, tt.regions)
			}
			var unplaced, badPop, ladNoRegion, regionNoShape int64
			var split string
			var regionArea, ladArea float64
			err := db.Pool().QueryRow(ctx, `
SELECT
  (SELECT count(*) FROM lsoa WHERE edition = $1 AND (msoa_code IS NULL OR region_code IS NULL)),
  (SELECT count(*) FROM area a
   LEFT JOIN (SELECT msoa_code, sum(population) AS pop FROM lsoa WHERE edition = $1 GROUP BY msoa_code) l
     ON l.msoa_code = a.code
   WHERE a.edition = $1 AND a.level = 'msoa' AND (a.props->>'population')::numeric IS DISTINCT FROM l.pop),
  (SELECT coalesce(string_agg(code, ',' ORDER BY code), '') FROM area
   WHERE edition = $1 AND level = 'msoa' AND (props->>'lad_code' IS NULL OR props->>'region_code' IS NULL)),
  (SELECT count(*) FROM area WHERE edition = $1 AND level = 'lad' AND props->>'region_code' IS NULL),
  (SELECT count(*) FROM area WHERE edition = $1 AND level = 'region' AND (geom IS NULL OR ST_IsEmpty(geom))),
  (SELECT sum(ST_Area(geom::geography)) FROM area WHERE edition = $1 AND level = 'region'),
  (SELECT sum(ST_Area(geom::geography)) FROM area WHERE edition = $1 AND level = 'lad')`, tt.edition).Scan(
				&unplaced, &badPop, &split, &ladNoRegion, &regionNoShape, &regionArea, &ladArea)
			if err != nil {
				t.Fatal(err)
			}
			if unplaced != 0 || badPop != 0 || ladNoRegion != 0 || regionNoShape != 0 {
				t.Errorf("LSOAs without MSOA or region %d, MSOAs whose population is not their LSOAs' %d, districts in no region %d, regions without a shape %d; want all 0",
					unplaced, badPop, ladNoRegion, regionNoShape)
			}
			if split != tt.split {
				t.Errorf("MSOAs in no one district or region: %q, want %q", split, tt.split)
			}
			if d := regionArea/ladArea - 1; d > 0.0001 || d < -0.0001 {
				t.Errorf("regions cover %.0f km², their districts %.0f km²", regionArea/1e6, ladArea/1e6)
			}
			for _, level := range []string{spatlas.LevelMSOA, spatlas.LevelRegion} {
				var bands int64
				if err := db.Pool().QueryRow(ctx, "SELECT count(DISTINCT zoom) FROM area_geom WHERE edition = $1 AND level = $2", tt.edition, level).Scan(&bands); err != nil {
					t.Fatal(err)
				}
				if bands == 0 {
					t.Errorf("%s %s: no generalised geometries", tt.edition, level)
				}
			}
		})
	}
	// Filtering by what holds an area: the LSOAs of one MSOA, the MSOAs of one district.
	page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 10,
		Filters: []spatlas.Filter{{Property: "msoa_code", Value: "E02002488"}}})
	if err != nil || page.NumberMatched != 4 {
		t.Errorf("LSOAs of MSOA E02002488 (Hartlepool 006): %d, %v; want 4", page.NumberMatched, err)
	}
	page, err = db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2025-msoa"), Limit: 100,
		Filters: []spatlas.Filter{{Property: "region_code", Value: "E12000001"}, {Property: "lad_code", Value: "E06000001"}}})
	if err != nil || page.NumberMatched != 11 {
		t.Errorf("MSOAs 2021 of Hartlepool: %d, %v; want 11", page.NumberMatched, err)
	}
}

// TestAnalysisStoreRealData checks the metrics build on the real data against the tables it
// was built from: every LSOA has metrics, the underserved flag is the thresholds applied to the
// stored percentiles, the build report counts them, England's published values are the sums and
// population-weighted means of the LSOAs', and InequalityRows gives every LSOA of England and of
// a region with its population.
func TestAnalysisStoreRealData(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	for _, ed := range spatlas.Editions() {
		t.Run(ed.ID, func(t *testing.T) {
			b, err := db.BuildInfo(ctx, ed.ID)
			if err != nil {
				t.Fatal(err)
			}
			p := spatlas.DefaultBuildParams()
			if b.Params != p {
				t.Errorf("params %+v, want the defaults", b.Params)
			}
			var lsoas, flagged, thresholds int
			var pop, fte, needW float64
			err = db.Pool().QueryRow(ctx, `
SELECT count(*), count(*) FILTER (WHERE m.underserved),
    count(*) FILTER (WHERE l.imd_decile <= $2 AND m.provision_pct <= $3),
    sum(l.population)::float8, sum(m.lw_fte)::float8, sum(l.population * m.need_pct)::float8
FROM lsoa l JOIN lsoa_metric m ON m.edition = l.edition AND m.code = l.code
WHERE l.edition = $1`, ed.ID, p.UnderservedDecile, p.UnderservedPct).Scan(&lsoas, &flagged, &thresholds, &pop, &fte, &needW)
			if err != nil {
				t.Fatal(err)
			}
			if lsoas != ed.LSOACount || b.Report.LSOAs != ed.LSOACount {
				t.Errorf("%d LSOAs with metrics, report %d, want %d", lsoas, b.Report.LSOAs, ed.LSOACount)
			}
			if flagged != thresholds || b.Report.Underserved != flagged || flagged == 0 {
				t.Errorf("underserved: %d flagged, %d meet the thresholds, report %d", flagged, thresholds, b.Report.Underserved)
			}
			num := func(k string) float64 {
				switch v := b.England[k].(type) {
				case float64:
					return v
				case json.Number:
					f, _ := v.Float64()
					return f
				}
				t.Errorf("England %s = %v (%T)", k, b.England[k], b.England[k])
				return math.NaN()
			}
			if got := num("lw_fte"); math.Abs(got-fte) > 0.005 {
				t.Errorf("England lw_fte %v, the LSOAs' sum %v", got, fte)
			}
			if got := num("need_pct"); math.Abs(got-needW/pop) > 0.00005 {
				t.Errorf("England need_pct %v, the LSOAs' population-weighted mean %v", got, needW/pop)
			}

			for _, area := range []string{"", spatlas.England, "E12000002"} {
				ref, rows, err := db.InequalityRows(ctx, ed.ID, "lw_fte_per_10k", area)
				if err != nil {
					t.Fatalf("area %q: %v", area, err)
				}
				var want int
				var wantPop float64
				err = db.Pool().QueryRow(ctx, `SELECT count(*), sum(population)::float8 FROM lsoa
WHERE edition = $1 AND ($2 = '' OR $2 = $3 OR region_code = $2)`, ed.ID, area, spatlas.England).Scan(&want, &wantPop)
				if err != nil {
					t.Fatal(err)
				}
				var gotPop float64
				for _, r := range rows {
					gotPop += r.Population
					if r.Decile < 1 || r.Decile > 10 || r.Rank < 1 || r.Rank > ed.LSOACount {
						t.Fatalf("area %q: row %+v", area, r)
					}
				}
				if len(rows) != want || gotPop != wantPop {
					t.Errorf("area %q (%v): %d rows, %v people; want %d, %v", area, ref, len(rows), gotPop, want, wantPop)
				}
			}
			if _, _, err := db.InequalityRows(ctx, ed.ID, "lw_fte_per_10k", "E01005123"); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
				t.Errorf("an LSOA as the area: %v, want ENOTFOUND", err)
			}
		})
	}
}

// TestMetricFixesRealData checks two details of the build on real data: provision values equal
// but for floating-point noise tie in provision_pct (E01018777 and E01019035 both have 1 asset
// per 2,056 people within reach in iod2019), and the Isles of Scilly's one LSOA, E01019077,
// which touches no other, has no Gi* z, p or flag rather than one from itself alone.
func TestMetricFixesRealData(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	var a, b float64
	err := db.Pool().QueryRow(ctx, `SELECT
  (SELECT provision_pct FROM lsoa_metric WHERE edition = 'iod2019' AND code = 'E01018777'),
  (SELECT provision_pct FROM lsoa_metric WHERE edition = 'iod2019' AND code = 'E01019035')`).Scan(&a, &b)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("iod2019 provision_pct of E01018777 %v and E01019035 %v: want a tie", a, b)
	}
	for _, ed := range spatlas.Editions() {
		var z, p *float64
		var sig *bool
		err := db.Pool().QueryRow(ctx, `SELECT gi_z, gi_p, gi_sig FROM lsoa_metric WHERE edition = $1 AND code = 'E01019077'`, ed.ID).Scan(&z, &p, &sig)
		if err != nil {
			t.Fatal(err)
		}
		if z != nil || p != nil || sig != nil {
			t.Errorf("%s E01019077 (Isles of Scilly): gi_z %v, gi_p %v, gi_sig %v; want all null", ed.ID, z, p, sig)
		}
	}
}
