package postgis_test

import (
	"context"
	_ "embed"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

//go:embed testdata/e2sfca.sql
var workedExample string

// TestE2SFCAWorkedExample checks the build against a hand-computed example (METHODS.md,
// "Provision"). Four LSOA points k on a line, population P_k:
//
//	P1 x=0 m 1,000   P2 x=1,000 m 2,000   P3 x=2,000 m 500   P4 x=4,000 m 1,500
//
// and three sites j at x = 200, 1,800 and 3,300 m. Catchment d0 = 1,500 m in three bands:
// d <= 500 weight 1.00, <= 1,000 weight 0.68, <= 1,500 weight 0.22.
//
// Distances within d0: S1-P1 200 (1.00), S1-P2 800 (0.68); S2-P2 800 (0.68), S2-P3 200 (1.00);
// S3-P3 1,300 (0.22), S3-P4 700 (0.68).
//
// Step 1, assets (S_j = 1):
//
//	R1 = 1 / (1000*1 + 2000*0.68)   = 1/2360
//	R2 = 1 / (2000*0.68 + 500*1)    = 1/1860
//	R3 = 1 / (500*0.22 + 1500*0.68) = 1/1130
//
// Step 2, per 1,000 people:
//
//	A1 = R1                  = 0.423729
//	A2 = 0.68 R1 + 0.68 R2   = 0.288136 + 0.365591 = 0.653727
//	A3 = R2 + 0.22 R3        = 0.537634 + 0.194690 = 0.732324
//	A4 = 0.68 R3             = 0.601770
//
// and the supply is conserved: sum of P_k A_k = 3 assets. Link workers (S_j = FTE 2, 1, 0.5),
// per 10,000 people: A1 = 2/2360 = 8.474576; A2 = 0.68*2/2360 + 0.68/1860 = 9.418624;
// A3 = 1/1860 + 0.22*0.5/1130 = 6.349792; A4 = 0.68*0.5/1130 = 3.008850.
//
// Plain 2SFCA (W = 1): R1 = 1/3000, R2 = 1/2500, R3 = 1/2000; per 1,000: A1 = 0.333333,
// A2 = 0.733333, A3 = 0.9, A4 = 0.5.
func TestE2SFCAWorkedExample(t *testing.T) {
	db := pgtest.DB(t, "e2sfca")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unlock, err := db.Lock(ctx, "spatlas.test.e2sfca")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := db.Pool().Exec(ctx, workedExample); err != nil {
		t.Fatalf("worked example: %v", err)
	}

	type want struct{ assets, lw float64 }
	e2sfca := spatlas.DefaultBuildParams()
	e2sfca.AssetsCatchment, e2sfca.LinkWorkerCatchment = 1500, 1500
	plain := e2sfca
	plain.Weights = [3]float64{1, 1, 1}
	tests := []struct {
		name   string
		params spatlas.BuildParams
		want   map[string]want
	}{
		{"E2SFCA", e2sfca, map[string]want{
			"P1": {1000.0 / 2360, 2 * 10000.0 / 2360},
			"P2": {0.68*1000/2360 + 0.68*1000/1860, 0.68*2*10000/2360 + 0.68*10000/1860},
			"P3": {1000.0/1860 + 0.22*1000/1130, 10000.0/1860 + 0.22*0.5*10000/1130},
			"P4": {0.68 * 1000 / 1130, 0.68 * 0.5 * 10000 / 1130},
		}},
		{"2SFCA", plain, map[string]want{
			"P1": {1000.0 / 3000, 2 * 10000.0 / 3000},
			"P2": {1000.0/3000 + 1000.0/2500, 2*10000.0/3000 + 10000.0/2500},
			"P3": {1000.0/2500 + 1000.0/2000, 10000.0/2500 + 0.5*10000/2000},
			"P4": {1000.0 / 2000, 0.5 * 10000 / 2000},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := db.Build(ctx, "iod2019", tt.params, false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.LSOAs != 4 {
				t.Fatalf("built %d LSOAs, want 4", rep.LSOAs)
			}
			got := metrics(t, db.Pool(), "iod2019")
			var assets, lw float64
			pops := map[string]float64{"P1": 1000, "P2": 2000, "P3": 500, "P4": 1500}
			for code, w := range tt.want {
				g := got[code]
				if math.Abs(g.assets-w.assets) > 1e-4 || math.Abs(g.lw-w.lw) > 1e-4 {
					t.Errorf("%s: assets_access_per_1k %.6f, lw_fte_per_10k %.6f; want %.6f, %.6f", code, g.assets, g.lw, w.assets, w.lw)
				}
				assets += g.assets / 1000 * pops[code]
				lw += g.lw / 10000 * pops[code]
			}
			// Both sides of E2SFCA conserve supply: every site's supply is shared out in full.
			if math.Abs(assets-3) > 1e-3 || math.Abs(lw-3.5) > 1e-3 {
				t.Errorf("supply served: %.4f assets, %.4f FTE; want 3 and 3.5", assets, lw)
			}
		})
	}

	t.Run("other metrics", func(t *testing.T) {
		got := metrics(t, db.Pool(), "iod2019")
		wants := map[string]lsoaMetrics{
			// P1: S1 inside its square, 200 m away; only S1 within 1,600 m. Most deprived
			// (rank 1 of 4: need 1) and least provided on the default gap metric (E2SFCA
			// assets; 2SFCA was built last: P1 lowest): p = 0, gap 1, underserved.
			"P1": {assetsN: 1, nearest: 200, within: 1, need: 1, prov: 0, gap: 1, underserved: true, lwFTE: 2, caseload: 12},
			"P2": {assetsN: 0, nearest: 800, within: 2, need: 2.0 / 3, prov: 2.0 / 3, gap: 0, lwFTE: 0},
			"P3": {assetsN: 1, nearest: 200, within: 2, need: 1.0 / 3, prov: 1, gap: -2.0 / 3, lwFTE: 1, caseload: 3},
			"P4": {assetsN: 0, nearest: 700, within: 1, need: 0, prov: 1.0 / 3, gap: -1.0 / 3, lwFTE: 0},
		}
		for code, w := range wants {
			g := got[code]
			g.assets, g.lw = 0, 0
			if math.Abs(g.need-w.need) > 1e-9 || math.Abs(g.prov-w.prov) > 1e-9 || math.Abs(g.gap-w.gap) > 1e-9 ||
				g.assetsN != w.assetsN || math.Abs(g.nearest-w.nearest) > 0.01 || g.within != w.within ||
				g.underserved != w.underserved || g.lwFTE != w.lwFTE || g.caseload != w.caseload {
				t.Errorf("%s: got %+v\nwant %+v", code, g, w)
			}
		}
	})

	t.Run("no neighbour, no Gi*", func(t *testing.T) {
		// The four squares touch none of the others: a z of each from itself alone would say
		// nothing, so none has one (METHODS.md, "Gap and underserved areas").
		var withZ int
		err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM lsoa_metric
			WHERE edition = 'iod2019' AND (gi_z IS NOT NULL OR gi_p IS NOT NULL OR gi_sig IS NOT NULL)`).Scan(&withZ)
		if err != nil {
			t.Fatal(err)
		}
		if withZ != 0 {
			t.Errorf("%d isolated LSOAs have a Gi* z, p or flag; want none", withZ)
		}
	})

	t.Run("up to date", func(t *testing.T) {
		rep, err := db.Build(ctx, "iod2019", plain, false)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.UpToDate {
			t.Errorf("a second build with the same inputs ran stages %v", rep.Stages)
		}
		p := plain
		p.UnderservedPct = 0.5
		if rep, err = db.Build(ctx, "iod2019", p, false); err != nil {
			t.Fatal(err)
		}
		if len(rep.Stages) != 1 || rep.Stages[0] != "derived" {
			t.Errorf("a threshold change ran stages %v, want only derived", rep.Stages)
		}
		if _, err := db.Build(ctx, "iod2025", plain, false); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
			t.Errorf("build of an edition not loaded: %v, want ENOTFOUND", err)
		}
		bad := plain
		bad.GapMetric = "nope"
		if _, err := db.Build(ctx, "iod2019", bad, false); spatlas.ErrorCode(err) != spatlas.EINVALID {
			t.Errorf("build with a bad gap metric: %v, want EINVALID", err)
		}
	})
}

type lsoaMetrics struct {
	assets, lw      float64
	assetsN, within int
	nearest         float64
	need, prov, gap float64
	underserved     bool
	lwFTE           float64
	caseload        int64
}

func metrics(tb testing.TB, q *pgxpool.Pool, edition string) map[string]lsoaMetrics {
	tb.Helper()
	rows, err := q.Query(context.Background(), `SELECT code, assets_access * 1000, lw_access * 10000, assets_n, assets_within_1600m,
		nearest_asset_m, need_pct, provision_pct, gap, underserved, lw_fte, coalesce(lw_caseload, 0)
		FROM lsoa_metric WHERE edition = $1`, edition)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]lsoaMetrics{}
	for rows.Next() {
		var (
			code string
			m    lsoaMetrics
		)
		if err := rows.Scan(&code, &m.assets, &m.lw, &m.assetsN, &m.within, &m.nearest, &m.need, &m.prov, &m.gap, &m.underserved, &m.lwFTE, &m.caseload); err != nil {
			tb.Fatal(err)
		}
		out[code] = m
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
