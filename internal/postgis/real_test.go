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
