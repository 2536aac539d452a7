package scenarios_test

import (
	"context"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// storedRow is one LSOA's metrics as the build stored them.
type storedRow struct {
	code                 string
	assets, lw, pct, gap *float64
	underserved          *bool
}

// TestEngineReproducesBuild: with no change, the engine reproduces the stored build's
// accessibility (assets and link workers), provision percentile, gap and underserved flag for
// every LSOA of both editions of the real data (METHODS.md, "Provision").
func TestEngineReproducesBuild(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	for _, edition := range []string{"iod2019", "iod2025"} {
		b, err := db.BuildInfo(ctx, edition)
		if err != nil {
			t.Fatal(err)
		}
		in, err := db.ModelInput(ctx, edition, b.Params)
		if err != nil {
			t.Fatal(err)
		}
		m, err := engine.New(in)
		if err != nil {
			t.Fatal(err)
		}
		stored := readStored(t, db.Pool(), edition)
		if len(stored) != len(in.LSOAs) {
			t.Fatalf("%s: %d stored LSOAs, %d in the engine", edition, len(stored), len(in.LSOAs))
		}
		assets, _ := m.Baseline("assets_access_per_1k")
		lw, _ := m.Baseline("lw_fte_per_10k")
		gap, err := m.Baseline(b.Params.GapMetric)
		if err != nil {
			t.Fatal(err)
		}
		var maxA, maxL, maxP, maxG float64
		flags := 0
		for i, code := range m.Codes() {
			s := stored[code]
			maxA = math.Max(maxA, diff(t, edition, code, "assets_access", assets.Access[i], s.assets))
			maxL = math.Max(maxL, diff(t, edition, code, "lw_access", lw.Access[i], s.lw))
			maxP = math.Max(maxP, diff(t, edition, code, "provision_pct", gap.Pct[i], s.pct))
			maxG = math.Max(maxG, diff(t, edition, code, "gap", gap.Gap[i], s.gap))
			if g, w := gap.Underserved[i], s.underserved; (g == nil) != (w == nil) || (g != nil && *g != *w) {
				t.Errorf("%s %s: underserved %v, stored %v", edition, code, show(g), show(w))
			} else if g != nil && *g {
				flags++
			}
		}
		t.Logf("%s: %d LSOAs, %d assets, %d services; max |diff| assets_access %.3g, lw_access %.3g, provision_pct %.3g, gap %.3g; %d underserved, all flags identical",
			edition, len(in.LSOAs), len(in.Assets), len(in.Services), maxA, maxL, maxP, maxG, flags)
	}
}

func show(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// diff returns |got - want|, reporting a difference above 1e-9 or a null on one side only.
func diff(t *testing.T, edition, code, name string, got float64, want *float64) float64 {
	t.Helper()
	if want == nil || math.IsNaN(got) {
		if (want == nil) != math.IsNaN(got) {
			t.Errorf("%s %s %s: engine %v, stored %v", edition, code, name, got, want)
		}
		return 0
	}
	d := math.Abs(got - *want)
	if d > 1e-9 {
		t.Errorf("%s %s %s: engine %v, stored %v", edition, code, name, got, *want)
	}
	return d
}

func readStored(t *testing.T, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, edition string) map[string]storedRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
SELECT code, assets_access, lw_access, provision_pct, gap, underserved
FROM lsoa_metric WHERE edition = $1`, edition)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storedRow{}
	var r storedRow
	_, err = pgx.ForEachRow(rows, []any{&r.code, &r.assets, &r.lw, &r.pct, &r.gap, &r.underserved}, func() error {
		out[r.code] = r
		r = storedRow{}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
