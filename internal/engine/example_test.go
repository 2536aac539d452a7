package engine

import (
	"math"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// line is a worked example: three LSOAs on a line, one link worker service, catchment 3 km.
//
//	A (0, 0)     pop 100  IMD rank 1, decile 1  -> need 1
//	B (1000, 0)  pop 200  IMD rank 2, decile 2  -> need 0.5
//	C (4000, 0)  pop 300  IMD rank 3, decile 3  -> need 0
//	service:1 at (0, 0), 1 FTE
func line() *Input {
	p := spatlas.DefaultBuildParams()
	p.LinkWorkerCatchment = 3000
	p.GapMetric = "lw_fte_per_10k"
	return &Input{Edition: "test", Count: 3, Params: p,
		LSOAs: []LSOA{
			{Code: "A", X: 0, Y: 0, Pop: 100, Rank: 1, Decile: 1},
			{Code: "B", X: 1000, Y: 0, Pop: 200, Rank: 2, Decile: 2},
			{Code: "C", X: 4000, Y: 0, Pop: 300, Rank: 3, Decile: 3},
		},
		Services: []Site{{ID: "service:1", X: 0, Y: 0, Supply: 1}},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestWhatIfByHand adds a 2 FTE service at C. By hand: before, R_1 = 1/(100 + 200) (A and B lie
// in the first band), so A = B = 1/300 FTE per person and C = 0; percentiles C 0, A and B 0.5
// (tied). The new site reaches B at 3,000 m (third band, 0.22) and C at 0: R_2 = 2/(0.22 x 200 +
// 300) = 2/344; after, A = 1/300, B = 1/300 + 0.22 x 2/344, C = 2/344, so A ranks lowest (0) and
// enters the underserved set (decile 1, pct <= 0.2); C (300 people, decile 3) is newly reached,
// 150 people per FTE.
func TestWhatIfByHand(t *testing.T) {
	m, err := New(line())
	if err != nil {
		t.Fatal(err)
	}
	o, err := m.Evaluate(Change{Add: []NewSite{{Kind: LinkWorker, Site: Site{X: 4000, Y: 0, Supply: 2}}}}, "lw_fte_per_10k")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][4]float64{ // access before, after (per 10k), pct before, after
		"A": {1e4 / 300, 1e4 / 300, 0.5, 0},
		"B": {1e4 / 300, 1e4 * (1.0/300 + 0.22*2/344), 0.5, 0.5},
		"C": {0, 1e4 * 2 / 344, 0, 1},
	}
	if len(o.Changed) != 3 {
		t.Fatalf("changed %d LSOAs, want 3: %+v", len(o.Changed), o.Changed)
	}
	for _, c := range o.Changed {
		w := want[c.Code]
		if !near(c.AccessBefore, w[0]) || !near(c.AccessAfter, w[1]) || c.PctBefore != w[2] || c.PctAfter != w[3] {
			t.Errorf("%s: access %v -> %v, pct %v -> %v; want %v", c.Code, c.AccessBefore, c.AccessAfter, c.PctBefore, c.PctAfter, w)
		}
	}
	s := o.Summary
	if len(s.Entering) != 1 || s.Entering[0] != "A" || len(s.Leaving) != 0 {
		t.Errorf("entering %v, leaving %v; want [A], []", s.Entering, s.Leaving)
	}
	if s.NewlyReached != 300 || s.NewlyReachedDecile12 != 0 || s.FTEAdded != 2 || *s.NewlyReachedPerFTE != 150 {
		t.Errorf("summary %+v", s)
	}
	if d3 := s.ByDecile[2]; d3.CoveredBefore != 0 || d3.CoveredAfter != 300 || *d3.AccessBefore != 0 || !near(*d3.AccessAfter, 1e4*2/344) {
		t.Errorf("decile 3 %+v", d3)
	}
}

// TestWhatIfRemove closes the only service: every LSOA drops to 0 and A and B, no longer
// reached, tie with C at percentile 0, so A and B (deciles 1 and 2) become underserved.
func TestWhatIfRemove(t *testing.T) {
	m, err := New(line())
	if err != nil {
		t.Fatal(err)
	}
	o, err := m.Evaluate(Change{Remove: []string{"service:1"}}, "lw_fte_per_10k")
	if err != nil {
		t.Fatal(err)
	}
	s := o.Summary
	if s.NoLongerReached != 300 || len(s.Entering) != 2 || s.SitesRemoved != 1 {
		t.Errorf("summary %+v", s)
	}
	if _, err := m.Evaluate(Change{Remove: []string{"service:9"}}, "lw_fte_per_10k"); spatlas.ErrorCode(err) != spatlas.EINVALID {
		t.Errorf("unknown id: %v, want invalid", err)
	}
}

// TestSuggestByHand: four LSOAs, population weights, catchment 1,500 m, no stored asset.
//
//	A (0, 0) 100, B (1000, 0) 200, C (2000, 0) 300, D (5000, 0) 250
//	c0 (1000, 0) reaches A, B, C: 600; c1 (2000, 0) reaches B, C: 500;
//	c2 (5000, 0) reaches D: 250; c3 (4000, 0) reaches D: 250.
//
// Greedy takes c0 (600), then c2 (250, tied with c3: the lower index), then stops: every
// remaining gain is 0, and a site of gain 0 is never chosen.
func TestSuggestByHand(t *testing.T) {
	p := spatlas.DefaultBuildParams()
	p.AssetsCatchment = 1500
	m, err := New(&Input{Count: 4, Params: p, LSOAs: []LSOA{
		{Code: "A", X: 0, Pop: 100, Rank: 1, Decile: 1}, {Code: "B", X: 1000, Pop: 200, Rank: 2, Decile: 1},
		{Code: "C", X: 2000, Pop: 300, Rank: 3, Decile: 2}, {Code: "D", X: 5000, Pop: 250, Rank: 4, Decile: 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cands := []Candidate{{ID: "c0", X: 1000}, {ID: "c1", X: 2000}, {ID: "c2", X: 5000}, {ID: "c3", X: 4000}}
	picks, err := m.Suggest(SuggestRequest{Kind: Asset, Count: 3, Candidates: cands, Weight: WeightPopulation})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id         string
		gain, cumu float64
	}{{"c0", 600, 600}, {"c2", 250, 850}}
	if len(picks) != len(want) {
		t.Fatalf("picks %+v, want %+v", picks, want)
	}
	for i, w := range want {
		if picks[i].ID != w.id || picks[i].Gain != w.gain || picks[i].Cumulative != w.cumu {
			t.Errorf("pick %d = %+v, want %+v", i, picks[i], w)
		}
	}
}
