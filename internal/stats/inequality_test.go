package stats

import (
	"errors"
	"math"
	"testing"
)

// near fails unless got is within tol of want; NaN matches only NaN.
func near(tb testing.TB, name string, got, want, tol float64) {
	tb.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) {
			tb.Errorf("%s = %v, want NaN", name, got)
		}
		return
	}
	if !(math.Abs(got-want) <= tol) {
		tb.Errorf("%s = %.15g, want %.15g (diff %.3g, tolerance %.3g)", name, got, want, got-want, tol)
	}
}

// groups builds deciles 1..len(pops) with the given populations and means.
func groups(tb testing.TB, pops, means []float64) []Group {
	tb.Helper()
	if len(pops) != len(means) {
		tb.Fatalf("groups: %d populations, %d means", len(pops), len(means))
	}
	gs := make([]Group, len(pops))
	for i := range pops {
		gs[i] = Group{Decile: i + 1, N: 1, Pop: pops[i], Mean: means[i], SE: math.NaN()}
	}
	return gs
}

func TestSII(t *testing.T) {
	// Worked example, 10 deciles, populations summing to 1000:
	//
	//   decile  pop  a = pop/1000   b = cum before + a/2   y
	//   1       150  3/20           3/40   = 0.075         12
	//   2       120  3/25           21/100 = 0.21          11
	//   3       100  1/10           8/25   = 0.32          10.5
	//   4       100  1/10           21/50  = 0.42          9
	//   5       100  1/10           13/25  = 0.52          9
	//   6       100  1/10           31/50  = 0.62          8
	//   7       100  1/10           18/25  = 0.72          7.5
	//   8        80  2/25           81/100 = 0.81          7
	//   9        80  2/25           89/100 = 0.89          6
	//   10       70  7/100          193/200 = 0.965        5
	//
	// sum(a) = 1, sum(a*b) = 1/2, sum(a*y) = 8.91,
	// sum(a*b^2) = 132951/400000 = 0.3323775, sum(a*b*y) = 3079/800 = 3.84875.
	// Weighted least squares of y on b with weights a:
	//   SII = (sum(a*b*y) - sum(a*b)*sum(a*y)) / (sum(a*b^2) - sum(a*b)^2)
	//       = (3.84875 - 4.455) / (0.3323775 - 0.25) = -0.60625 / 0.0823775
	//       = -242500/32951 = -7.359412460926831
	//   b0  = sum(a*y) - SII*sum(a*b) = 8.91 + 3.6797062... = 41484341/3295100 = 12.589706230463415
	//   RII = (b0 + SII)/b0 = 17234341/41484341 = 0.41544208210997013
	worked := groups(t,
		[]float64{150, 120, 100, 100, 100, 100, 100, 80, 80, 70},
		[]float64{12, 11, 10.5, 9, 9, 8, 7.5, 7, 6, 5})
	shuffled := []Group{worked[9], worked[2], worked[0], worked[5], worked[1], worked[8], worked[3], worked[7], worked[4], worked[6]}

	// y exactly linear in b: populations 100, 300, 200, 200, 200 give a = .1, .3, .2, .2, .2 and
	// b = .05, .25, .5, .7, .9; y = 3 + 4b = 3.2, 4, 5, 5.8, 6.6. The fit recovers SII = 4 and
	// b0 = 3, so RII = (3 + 4)/3 = 7/3.
	linear := groups(t, []float64{100, 300, 200, 200, 200}, []float64{3.2, 4, 5, 5.8, 6.6})

	// Constant y: no slope, b0 is the constant, RII = 1.
	flat := groups(t, []float64{10, 20, 30}, []float64{5, 5, 5})

	tests := []struct {
		name        string
		groups      []Group
		sii, b0     float64
		rii         float64
		wantInvalid bool
	}{
		{name: "worked ten deciles", groups: worked, sii: -242500.0 / 32951, b0: 41484341.0 / 3295100, rii: 17234341.0 / 41484341},
		{name: "worked, groups unsorted", groups: shuffled, sii: -242500.0 / 32951, b0: 41484341.0 / 3295100, rii: 17234341.0 / 41484341},
		{name: "exactly linear", groups: linear, sii: 4, b0: 3, rii: 7.0 / 3},
		{name: "constant", groups: flat, sii: 0, b0: 5, rii: 1},
		{name: "one group", groups: worked[:1], wantInvalid: true},
		{name: "duplicate decile", groups: []Group{worked[0], worked[1], worked[1]}, wantInvalid: true},
		{name: "zero population", groups: groups(t, []float64{10, 0, 10}, []float64{1, 2, 3}), wantInvalid: true},
		{name: "NaN mean", groups: groups(t, []float64{10, 10, 10}, []float64{1, math.NaN(), 3}), wantInvalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sii, b0, err := SII(tt.groups)
			if tt.wantInvalid {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("SII: err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SII: %v", err)
			}
			near(t, "SII", sii, tt.sii, 1e-9)
			near(t, "b0", b0, tt.b0, 1e-9)
			near(t, "RII", (b0+sii)/b0, tt.rii, 1e-9)
		})
	}
}

// spreadObs returns four LSOAs of population 1500 in each decile 1..10, with values
// mean_d + spread*(-1.5, -0.5, 0.5, 1.5), mean_d = 20 - d. Each decile's weighted mean is
// mean_d and, with equal weights, SE = s/sqrt(4) where s^2 = spread^2*(2.25+0.25+0.25+2.25)/3,
// so SE = spread*sqrt(5/12). Ranks run 1..40 from the most deprived.
func spreadObs(spread float64) []Obs {
	var obs []Obs
	for d := 1; d <= 10; d++ {
		for k, off := range []float64{-1.5, -0.5, 0.5, 1.5} {
			obs = append(obs, Obs{Value: 20 - float64(d) + spread*off, Pop: 1500, Rank: 4*(d-1) + k + 1, Decile: d})
		}
	}
	return obs
}

func TestComputeSIIConfidence(t *testing.T) {
	// Equal decile populations: a = 0.1, b = 0.05..0.95, y = 20 - d = 19 - 10*(b - 0.05)
	// = 19.5 - 10b exactly, so SII = -10, b0 = 19.5 and RII = 9.5/19.5.
	//
	// A simulated SII is SII + sum(c_i*SE_i*Z_i) with c_i = a_i*(b_i - 1/2)/sum(a*(b - 1/2)^2),
	// here c_i = 0.1*(b_i - 0.5)/0.0825 (sum(a*(b-1/2)^2) = 0.1*0.825 = 0.0825), so it is
	// normal with standard deviation SE*sqrt(sum(c^2)) = SE*sqrt(0.01*0.825)/0.0825
	// = SE/sqrt(0.825). The 95% interval is close to SII -+ 1.959964*SE/sqrt(0.825); with
	// 10,000 simulations its limits are within about 1.4% of the half-width of that (one
	// standard error of the 2.5th percentile), and the test allows 4%.
	const reps = 10000
	for _, spread := range []float64{0.5, 2} {
		res, err := Compute(spreadObs(spread), Options{Reps: reps, Seed: 7})
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		se := spread * math.Sqrt(5.0/12)
		for _, g := range res.Deciles {
			near(t, "decile SE", g.SE, se, 1e-12)
		}
		near(t, "SII", res.SII, -10, 1e-9)
		near(t, "RII", res.RII, 9.5/19.5, 1e-9)
		if res.Reps != reps || res.Confidence != 0.95 {
			t.Errorf("Reps, Confidence = %d, %v; want %d, 0.95", res.Reps, res.Confidence, reps)
		}
		if !(res.SIICI.Lower < res.SII && res.SII < res.SIICI.Upper) {
			t.Errorf("spread %v: SII %v outside its interval %+v", spread, res.SII, res.SIICI)
		}
		if !(res.RIICI.Lower < res.RII && res.RII < res.RIICI.Upper) {
			t.Errorf("spread %v: RII %v outside its interval %+v", spread, res.RII, res.RIICI)
		}
		half := 1.959964 * se / math.Sqrt(0.825)
		near(t, "SII lower", res.SIICI.Lower, res.SII-half, 0.04*half)
		near(t, "SII upper", res.SIICI.Upper, res.SII+half, 0.04*half)
	}

	// Same seed, same draws: shrinking every SE by 4 shrinks every simulated deviation from the
	// SII by exactly 4, so the interval narrows by exactly 4.
	wide, err := Compute(spreadObs(2), Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := Compute(spreadObs(0.5), Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "narrow lower", narrow.SIICI.Lower-narrow.SII, (wide.SIICI.Lower-wide.SII)/4, 1e-9)
	near(t, "narrow upper", narrow.SIICI.Upper-narrow.SII, (wide.SIICI.Upper-wide.SII)/4, 1e-9)
	if !(narrow.RIICI.Upper-narrow.RIICI.Lower < wide.RIICI.Upper-wide.RIICI.Lower) {
		t.Errorf("RII interval did not narrow: %+v vs %+v", narrow.RIICI, wide.RIICI)
	}

	t.Run("reproducible", func(t *testing.T) {
		again, err := Compute(spreadObs(2), Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if again.SIICI != wide.SIICI || again.RIICI != wide.RIICI {
			t.Errorf("same seed gave %+v %+v, then %+v %+v", wide.SIICI, wide.RIICI, again.SIICI, again.RIICI)
		}
		other, err := Compute(spreadObs(2), Options{Seed: 8})
		if err != nil {
			t.Fatal(err)
		}
		if other.SIICI == wide.SIICI {
			t.Errorf("seeds 7 and 8 gave the same interval %+v", other.SIICI)
		}
	})

	t.Run("no simulation", func(t *testing.T) {
		res, err := Compute(spreadObs(2), Options{Reps: -1})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "SII", res.SII, -10, 1e-9)
		near(t, "SII lower", res.SIICI.Lower, math.NaN(), 0)
		near(t, "RII upper", res.RIICI.Upper, math.NaN(), 0)
		if res.Reps != 0 {
			t.Errorf("Reps = %d, want 0", res.Reps)
		}
	})

	t.Run("confidence level", func(t *testing.T) {
		res, err := Compute(spreadObs(2), Options{Confidence: 0.8, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if !(res.SIICI.Upper-res.SIICI.Lower < wide.SIICI.Upper-wide.SIICI.Lower) {
			t.Errorf("80%% interval %+v not narrower than 95%% %+v", res.SIICI, wide.SIICI)
		}
		if !(res.CICI.Upper-res.CICI.Lower < wide.CICI.Upper-wide.CICI.Lower) {
			t.Errorf("80%% concentration interval %+v not narrower than 95%% %+v", res.CICI, wide.CICI)
		}
	})
}

func TestCompute(t *testing.T) {
	// A small area: five deciles present, two observations ignored.
	//
	//   decile 1: (y 10, pop 100), (y 14, pop 300)
	//             mean = (1000 + 4200)/400 = 13
	//             SE = sqrt(2/1 * (100^2*(10-13)^2 + 300^2*(14-13)^2)) / 400
	//                = sqrt(2 * 180000)/400 = 600/400 = 1.5
	//   decile 2: (y 8, pop 200)                 mean 8, SE NaN (one LSOA)
	//   decile 5: (y 6, pop 100), (y 4, pop 100)  mean 5, SE = sqrt(2*(10000+10000))/200 = 1
	//   decile 9: (y 2, pop 200)                 mean 2, SE NaN
	//   decile 10: (y 3, pop 100), (y 1, pop 100) mean 2, SE 1
	//   ignored: pop 0; value NaN; pop -5 (their deciles are out of range but they are not used)
	//
	// Q1 = (5200 + 1600)/600 = 34/3, Q5 = (400 + 400)/400 = 2,
	// ratio = 17/3, difference = 28/3.
	//
	// SII over the five deciles: a = 1/3, 1/6, 1/6, 1/6, 1/6; b = 1/6, 5/12, 7/12, 3/4, 11/12;
	// sum(a*y) = 43/6, sum(a*b^2) = 71/216, sum(a*b*y) = 167/72;
	// SII = (167/72 - 43/12) / (71/216 - 1/4) = (-91/72) / (17/216) = -273/17;
	// b0 = 43/6 + 273/34 = 775/51; RII = (775/51 - 273/17)/(775/51) = -44/775.
	// Deciles 2 and 9 have no SE, so the SII and RII intervals are NaN and Reps is 0.
	obs := []Obs{
		{Value: 14, Pop: 300, Rank: 2, Decile: 1},
		{Value: 10, Pop: 100, Rank: 1, Decile: 1},
		{Value: 8, Pop: 200, Rank: 3, Decile: 2},
		{Value: 6, Pop: 100, Rank: 5, Decile: 5},
		{Value: 4, Pop: 100, Rank: 6, Decile: 5},
		{Value: 2, Pop: 200, Rank: 8, Decile: 9},
		{Value: 3, Pop: 100, Rank: 9, Decile: 10},
		{Value: 1, Pop: 100, Rank: 10, Decile: 10},
		{Value: 99, Pop: 0, Rank: 4, Decile: 0},
		{Value: math.NaN(), Pop: 100, Rank: 7, Decile: 11},
		{Value: 99, Pop: -5, Rank: 11, Decile: 10},
	}
	res, err := Compute(obs, Options{})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	want := []Group{
		{Decile: 1, N: 2, Pop: 400, Mean: 13, SE: 1.5},
		{Decile: 2, N: 1, Pop: 200, Mean: 8, SE: math.NaN()},
		{Decile: 5, N: 2, Pop: 200, Mean: 5, SE: 1},
		{Decile: 9, N: 1, Pop: 200, Mean: 2, SE: math.NaN()},
		{Decile: 10, N: 2, Pop: 200, Mean: 2, SE: 1},
	}
	if len(res.Deciles) != len(want) {
		t.Fatalf("got %d deciles %+v, want %d", len(res.Deciles), res.Deciles, len(want))
	}
	for i, w := range want {
		g := res.Deciles[i]
		if g.Decile != w.Decile || g.N != w.N {
			t.Errorf("decile %d: got decile %d with N %d, want %d with N %d", i, g.Decile, g.N, w.Decile, w.N)
		}
		near(t, "Pop", g.Pop, w.Pop, 1e-12)
		near(t, "Mean", g.Mean, w.Mean, 1e-12)
		near(t, "SE", g.SE, w.SE, 1e-12)
	}
	if res.N != 8 || res.Pop != 1200 {
		t.Errorf("N, Pop = %d, %v; want 8, 1200", res.N, res.Pop)
	}
	near(t, "Q1Mean", res.Q1Mean, 34.0/3, 1e-12)
	near(t, "Q5Mean", res.Q5Mean, 2, 1e-12)
	near(t, "QuintileRatio", res.QuintileRatio, 17.0/3, 1e-12)
	near(t, "QuintileDiff", res.QuintileDiff, 28.0/3, 1e-12)
	near(t, "SII", res.SII, -273.0/17, 1e-9)
	near(t, "RII", res.RII, -44.0/775, 1e-9)
	near(t, "SII lower", res.SIICI.Lower, math.NaN(), 0)
	near(t, "RII upper", res.RIICI.Upper, math.NaN(), 0)
	if res.Reps != 0 {
		t.Errorf("Reps = %d, want 0 without decile standard errors", res.Reps)
	}
	near(t, "CI", res.CI, ConcentrationIndex(obs), 0)
	if !(res.CI < 0) {
		t.Errorf("CI = %v, want negative (values fall with rank)", res.CI)
	}
	if !(res.CICI.Lower < res.CI && res.CI < res.CICI.Upper) {
		t.Errorf("CI %v outside its interval %+v", res.CI, res.CICI)
	}
}

func TestComputeEdges(t *testing.T) {
	tests := []struct {
		name    string
		obs     []Obs
		opt     Options
		wantErr error
		check   func(t *testing.T, res Inequality)
	}{
		{name: "no observations", obs: nil, wantErr: ErrNoData},
		{name: "none usable", obs: []Obs{{Value: 1, Pop: 0, Rank: 1, Decile: 1}, {Value: math.Inf(1), Pop: 10, Rank: 2, Decile: 1}}, wantErr: ErrNoData},
		{name: "decile 0", obs: []Obs{{Value: 1, Pop: 10, Rank: 1, Decile: 0}}, wantErr: ErrInvalid},
		{name: "decile 11", obs: []Obs{{Value: 1, Pop: 10, Rank: 1, Decile: 11}}, wantErr: ErrInvalid},
		{name: "rank 0", obs: []Obs{{Value: 1, Pop: 10, Rank: 0, Decile: 1}}, wantErr: ErrInvalid},
		{name: "confidence above 1", obs: []Obs{{Value: 1, Pop: 10, Rank: 1, Decile: 1}}, opt: Options{Confidence: 95}, wantErr: ErrInvalid},
		{name: "negative confidence", obs: []Obs{{Value: 1, Pop: 10, Rank: 1, Decile: 1}}, opt: Options{Confidence: -0.5}, wantErr: ErrInvalid},
		{
			// One decile: means, but no slope; no quintile 5, so no ratio.
			name: "one decile",
			obs:  []Obs{{Value: 4, Pop: 10, Rank: 1, Decile: 1}, {Value: 6, Pop: 30, Rank: 2, Decile: 1}},
			check: func(t *testing.T, res Inequality) {
				near(t, "Q1Mean", res.Q1Mean, 5.5, 1e-12)
				near(t, "Q5Mean", res.Q5Mean, math.NaN(), 0)
				near(t, "QuintileRatio", res.QuintileRatio, math.NaN(), 0)
				near(t, "QuintileDiff", res.QuintileDiff, math.NaN(), 0)
				near(t, "SII", res.SII, math.NaN(), 0)
				near(t, "RII", res.RII, math.NaN(), 0)
				near(t, "SII lower", res.SIICI.Lower, math.NaN(), 0)
			},
		},
		{
			// Q5 mean 0: the difference stands, the ratio does not.
			name: "least deprived zero",
			obs:  []Obs{{Value: 4, Pop: 10, Rank: 1, Decile: 2}, {Value: 0, Pop: 10, Rank: 9, Decile: 9}},
			check: func(t *testing.T, res Inequality) {
				near(t, "QuintileDiff", res.QuintileDiff, 4, 1e-12)
				near(t, "QuintileRatio", res.QuintileRatio, math.NaN(), 0)
				// Two deciles, a = 1/2 each, b = 1/4 and 3/4: the line through (1/4, 4) and
				// (3/4, 0) has SII = -8 and b0 = 6, RII = -2/6.
				near(t, "SII", res.SII, -8, 1e-9)
				near(t, "RII", res.RII, -1.0/3, 1e-9)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Compute(tt.obs, tt.opt)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			tt.check(t, res)
		})
	}
}

func TestPercentileInterval(t *testing.T) {
	// phe_sii's positions: 1-based round(n*0.025) and round(n*0.975) of the sorted values.
	// For n = 1000 the values 1..1000 give positions 25 and 975, that is the values 25 and 975.
	// For n = 10 the positions round(0.25) = 0 -> clamped to 1, and round(9.75) = 10.
	tests := []struct {
		name string
		n    int
		want Interval
	}{
		{name: "1000", n: 1000, want: Interval{25, 975}},
		{name: "10", n: 10, want: Interval{1, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sims := make([]float64, tt.n)
			for i := range sims {
				sims[i] = float64(tt.n - i) // reversed, so the sort matters
			}
			if got := percentileInterval(sims, 0.95); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
