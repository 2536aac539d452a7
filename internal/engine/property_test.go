package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// randomInput is a seeded random edition: n LSOAs in a 30 km square, some without a point or a
// population, with assets and services scattered over it.
func randomInput(rng *rand.Rand, n, assets, services int) *Input {
	in := &Input{Edition: "random", Count: n, Params: spatlas.DefaultBuildParams()}
	ranks := rng.Perm(n)
	for i := range n {
		l := LSOA{Code: fmt.Sprintf("L%04d", i), X: rng.Float64() * 30000, Y: rng.Float64() * 30000,
			Pop: float64(1000 + rng.IntN(2000)), Rank: ranks[i] + 1, Decile: ranks[i]*10/n + 1,
			LAD: fmt.Sprintf("LAD%d", i%3)}
		switch rng.IntN(40) {
		case 0:
			l.X, l.Y = math.NaN(), math.NaN()
		case 1:
			l.Pop = 0
		}
		in.LSOAs = append(in.LSOAs, l)
	}
	for j := range assets {
		in.Assets = append(in.Assets, Site{ID: fmt.Sprintf("asset:%d", j), X: rng.Float64() * 30000, Y: rng.Float64() * 30000, Supply: 1})
	}
	for j := range services {
		in.Services = append(in.Services, Site{ID: fmt.Sprintf("service:%d", j), X: rng.Float64() * 30000, Y: rng.Float64() * 30000, Supply: 0.5 + rng.Float64()*2})
	}
	return in
}

// randomChange adds and removes a few sites of both kinds.
func randomChange(rng *rand.Rand, in *Input) Change {
	var ch Change
	for range 1 + rng.IntN(5) {
		k := Kind(rng.IntN(2))
		ch.Add = append(ch.Add, NewSite{Kind: k, Site: Site{X: rng.Float64() * 30000, Y: rng.Float64() * 30000, Supply: 0.1 + rng.Float64()*3}})
	}
	for range rng.IntN(4) {
		if rng.IntN(2) == 0 {
			ch.Remove = append(ch.Remove, in.Assets[rng.IntN(len(in.Assets))].ID)
		} else {
			ch.Remove = append(ch.Remove, in.Services[rng.IntN(len(in.Services))].ID)
		}
	}
	return ch
}

// applied is the input with a change made to its sites, for a model built from scratch.
func applied(in *Input, ch Change) *Input {
	out := *in
	out.Assets, out.Services = nil, nil
	for _, s := range in.Assets {
		if !slices.Contains(ch.Remove, s.ID) {
			out.Assets = append(out.Assets, s)
		}
	}
	for _, s := range in.Services {
		if !slices.Contains(ch.Remove, s.ID) {
			out.Services = append(out.Services, s)
		}
	}
	for i, a := range ch.Add {
		a.ID = fmt.Sprintf("new:%d", i)
		if a.Kind == Asset {
			out.Assets = append(out.Assets, a.Site)
		} else {
			out.Services = append(out.Services, a.Site)
		}
	}
	return &out
}

// TestIncrementalEqualsFull: for seeded random scenarios, the incremental answer is the full
// recomputation's to the bit, and agrees with a model rebuilt with the change made.
func TestIncrementalEqualsFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2026))
	for run := range 20 {
		in := randomInput(rng, 400, 300, 25)
		m, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		ch := randomChange(rng, in)
		for _, metric := range []string{"assets_access_per_1k", "lw_fte_per_10k"} {
			inc, err := m.Evaluate(ch, metric)
			if err != nil {
				t.Fatal(err)
			}
			full, err := m.evaluate(ch, metric, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(inc.shifted) != len(full.shifted) || !slices.Equal(inc.shifted, full.shifted) {
				t.Fatalf("run %d %s: percentile shifts differ", run, metric)
			}
			if len(inc.Changed) != len(full.Changed) {
				t.Fatalf("run %d %s: %d changed incrementally, %d in full", run, metric, len(inc.Changed), len(full.Changed))
			}
			for i := range inc.Changed {
				a, b := inc.Changed[i], full.Changed[i]
				if a.Code != b.Code || !same(a.AccessAfter, b.AccessAfter) || !same(a.PctAfter, b.PctAfter) || a.underAfter != b.underAfter || a.CoveredAfter != b.CoveredAfter {
					t.Fatalf("run %d %s: incremental %+v, full %+v", run, metric, a, b)
				}
			}
			if inc.Recomputed >= full.Recomputed {
				t.Errorf("run %d %s: recomputed %d of %d LSOAs", run, metric, inc.Recomputed, full.Recomputed)
			}
			checkRebuilt(t, m, applied(in, ch), inc)
		}
	}
}

// checkRebuilt compares a scenario's figures with those of a model built with the change made.
func checkRebuilt(t *testing.T, m *Model, in *Input, o *Outcome) {
	t.Helper()
	rebuilt, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	_, scale, _ := MetricKind(o.Metric)
	b, _ := rebuilt.Baseline(o.Metric)
	base, _ := m.Baseline(o.Metric)
	after := map[string]LSOAChange{}
	for _, c := range o.Rows() {
		after[c.Code] = c
	}
	for i, code := range m.Codes() {
		a, p := base.Access[i]*scale, base.Pct[i]
		if c, ok := after[code]; ok {
			a, p = c.AccessAfter, c.PctAfter
		}
		if !same(a, b.Access[i]*scale) && math.Abs(a-b.Access[i]*scale) > 1e-9 {
			t.Fatalf("%s %s: scenario access %v, rebuilt %v", o.Metric, code, a, b.Access[i]*scale)
		}
		if !same(p, b.Pct[i]) {
			t.Fatalf("%s %s: scenario pct %v, rebuilt %v (access %.17g, rebuilt %.17g)", o.Metric, code, p, b.Pct[i], a, b.Access[i]*scale)
		}
	}
}

// TestGreedyAgainstOptimum compares greedy covering with the exact optimum by brute force on
// small random instances (up to 40 candidates, p <= 3) and reports the ratios; greedy is within
// 1 - 1/e of the optimum (Nemhauser, Wolsey & Fisher 1978).
func TestGreedyAgainstOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1974))
	minRatio, sum, runs, exact := 1.0, 0.0, 0, 0
	for run := range 30 {
		in := randomInput(rng, 150, 0, 3)
		m, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		var cands []Candidate
		for c := range 20 + rng.IntN(21) {
			cands = append(cands, Candidate{ID: fmt.Sprintf("c%02d", c), X: rng.Float64() * 30000, Y: rng.Float64() * 30000})
		}
		p := 1 + run%3
		picks, err := m.Suggest(SuggestRequest{Kind: LinkWorker, Count: p, Candidates: cands, Catchment: 4000})
		if err != nil {
			t.Fatal(err)
		}
		greedy := 0.0
		if len(picks) > 0 {
			greedy = picks[len(picks)-1].Cumulative
		}
		best := bruteForce(m, cands, p, 4000)
		if greedy > best+1e-6 {
			t.Fatalf("run %d: greedy %v above the optimum %v", run, greedy, best)
		}
		ratio := 1.0
		if best > 0 {
			ratio = greedy / best
		}
		if ratio < 1-1/math.E {
			t.Errorf("run %d: ratio %v below 1 - 1/e", run, ratio)
		}
		if ratio > 1-1e-12 {
			exact++
		}
		minRatio, sum, runs = math.Min(minRatio, ratio), sum+ratio, runs+1
	}
	t.Logf("greedy/optimum over %d instances: min %.4f, mean %.4f, optimal in %d", runs, minRatio, sum/float64(runs), exact)
}

// bruteForce is the best need-weighted population newly covered by any p candidates.
func bruteForce(m *Model, cands []Candidate, p int, d0 float64) float64 {
	w, _ := m.weights(WeightNeed, "", nil)
	covered := m.covered(m.layers[LinkWorker], d0)
	sets := make([][]int32, len(cands))
	for c, cand := range cands {
		for k, l := range m.in.LSOAs {
			if w[k] > 0 && !covered[k] && dist(l.X, l.Y, cand.X, cand.Y) <= d0 {
				sets[c] = append(sets[c], int32(k))
			}
		}
	}
	best := 0.0
	var choose func(from int, chosen []int)
	choose = func(from int, chosen []int) {
		seen := map[int32]bool{}
		total := 0.0
		for _, c := range chosen {
			for _, k := range sets[c] {
				if !seen[k] {
					seen[k] = true
					total += w[k]
				}
			}
		}
		best = math.Max(best, total)
		if len(chosen) == p {
			return
		}
		for c := from; c < len(cands); c++ {
			choose(c+1, append(chosen, c))
		}
	}
	choose(0, nil)
	return best
}

// TestLazyEqualsPlainGreedy: CELF's lazy evaluation chooses exactly what the plain greedy
// (every gain recomputed at every step, ties to the lower index) chooses.
func TestLazyEqualsPlainGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for run := range 20 {
		in := randomInput(rng, 300, 0, 5)
		m, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		var cands []Candidate
		for c := range 60 {
			cands = append(cands, Candidate{ID: fmt.Sprint(c), X: rng.Float64() * 30000, Y: rng.Float64() * 30000})
		}
		picks, err := m.Suggest(SuggestRequest{Kind: LinkWorker, Count: 8, Candidates: cands, Catchment: 3000, Area: "LAD1"})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := m.weights(WeightNeed, "LAD1", nil)
		covered := m.covered(m.layers[LinkWorker], 3000)
		var want []int
		for len(want) < 8 {
			best, bestGain := -1, 0.0
			for c, cand := range cands {
				g := 0.0
				for k, l := range m.in.LSOAs {
					if w[k] > 0 && !covered[k] && dist(l.X, l.Y, cand.X, cand.Y) <= 3000 {
						g += w[k]
					}
				}
				if g > bestGain+1e-9 {
					best, bestGain = c, g
				}
			}
			if best < 0 {
				break
			}
			want = append(want, best)
			for k, l := range m.in.LSOAs {
				if dist(l.X, l.Y, cands[best].X, cands[best].Y) <= 3000 {
					covered[k] = true
				}
			}
		}
		var got []int
		for _, p := range picks {
			got = append(got, p.Index)
		}
		if !slices.Equal(got, want) {
			t.Errorf("run %d: lazy greedy chose %v, plain greedy %v", run, got, want)
		}
	}
}
