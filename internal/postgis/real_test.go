package postgis_test

import (
	"context"
	"testing"

	"github.com/spatlas/spatlas/internal/postgis/postgistest"
)

// TestGeneralisedBandsOpenNoGaps checks on real boundaries that the zoom-band geometries keep
// neighbours touching: a gap between two LSOAs would add a ring to the union of a district's
// LSOAs, so the union at a band may have at most the rings of the full-resolution union, and the
// same area to within a fraction of a per cent.
func TestGeneralisedBandsOpenNoGaps(t *testing.T) {
	db := postgistest.Real(t)
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
	db := postgistest.Real(t)
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
