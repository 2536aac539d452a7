package stats

import (
	"math"
	"testing"
)

// gridQueen is a 3x3 grid under queen contiguity (areas touching at an edge or a corner):
//
//	0 1 2
//	3 4 5
//	6 7 8
var gridQueen = [][]int32{
	0: {1, 3, 4},
	1: {0, 2, 3, 4, 5},
	2: {1, 4, 5},
	3: {0, 1, 4, 6, 7},
	4: {0, 1, 2, 3, 5, 6, 7, 8},
	5: {1, 2, 4, 7, 8},
	6: {3, 4, 7},
	7: {3, 4, 5, 6, 8},
	8: {4, 5, 7},
}

func TestGetisOrdStar(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name       string
		x          []float64
		neighbours [][]int32
		want       []float64
	}{
		{
			// A high corner: x = 10 at area 0, 1 elsewhere.
			// n = 9, xbar = 18/9 = 2, sum(x^2)/n = 108/9 = 12, S = sqrt(12 - 4) = 2*sqrt(2).
			// Corner 0: W = 4, sum = 10+1+1+1 = 13, numerator 13 - 2*4 = 5,
			//   denominator 2*sqrt(2)*sqrt((36 - 16)/8) = 2*sqrt(2)*sqrt(5/2) = 2*sqrt(5);
			//   z = 5/(2*sqrt(5)) = sqrt(5)/2 = 1.118033988749895.
			// Corners 2, 6, 8 (no 0 among them): sum 4, numerator -4, z = -2/sqrt(5).
			// Edges 1 and 3 (touch 0): W = 6, sum = 15, numerator 3,
			//   denominator 2*sqrt(2)*sqrt((54 - 36)/8) = 3*sqrt(2); z = 1/sqrt(2).
			// Edges 5 and 7: sum 6, numerator -6, z = -6/(3*sqrt(2)) = -sqrt(2).
			// Centre 4: W = 9 = n, numerator 18 - 18 = 0 and denominator sqrt(81 - 81) = 0: NaN.
			name:       "high corner",
			x:          []float64{10, 1, 1, 1, 1, 1, 1, 1, 1},
			neighbours: gridQueen,
			want: []float64{
				math.Sqrt(5) / 2, 1 / math.Sqrt2, -2 / math.Sqrt(5),
				1 / math.Sqrt2, nan, -math.Sqrt2,
				-2 / math.Sqrt(5), -math.Sqrt2, -2 / math.Sqrt(5),
			},
		},
		{
			// The same with area 8 missing. n = 8, values 10 and seven 1s: xbar = 17/8,
			// sum(x^2)/n = 107/8, S^2 = 107/8 - 289/64 = 567/64.
			// Corner 0: neighbours 1, 3, 4 all present, W = 4, sum 13,
			//   numerator 13 - 4*17/8 = 9/2, denominator^2 = 567/64 * (32 - 16)/7 = 81/4,
			//   so z = (9/2)/(9/2) = 1.
			// Corners 2 and 6: W = 4, sum 4, numerator 4 - 17/2 = -9/2, same denominator: z = -1.
			// Edges 1 and 3: W = 6, sum 15, numerator 15 - 6*17/8 = 9/4,
			//   denominator^2 = 567/64 * (48 - 36)/7 = 972/64, denominator = 9*sqrt(3)/4,
			//   z = 1/sqrt(3).
			// Edges 5 and 7: 8 is missing, W = 5, sum 5, numerator 5 - 5*17/8 = -45/8,
			//   denominator^2 = 567/64 * (40 - 25)/7 = 1215/64, denominator = 9*sqrt(15)/8,
			//   z = -5/sqrt(15) = -sqrt(15)/3.
			// Centre 4: W = 8 = n: NaN. Area 8: missing, NaN.
			name:       "missing value",
			x:          []float64{10, 1, 1, 1, 1, 1, 1, 1, nan},
			neighbours: gridQueen,
			want: []float64{
				1, 1 / math.Sqrt(3), -1,
				1 / math.Sqrt(3), nan, -math.Sqrt(15) / 3,
				-1, -math.Sqrt(15) / 3, nan,
			},
		},
		{
			// Self and duplicates in the lists change nothing.
			name: "self and duplicate neighbours",
			x:    []float64{10, 1, 1, 1, 1, 1, 1, 1, 1},
			neighbours: [][]int32{
				0: {1, 3, 4, 0, 1}, 1: {0, 2, 3, 4, 5}, 2: {1, 4, 5}, 3: {0, 1, 4, 6, 7}, 4: {0, 1, 2, 3, 5, 6, 7, 8},
				5: {1, 2, 4, 7, 8}, 6: {3, 4, 7}, 7: {3, 4, 5, 6, 8}, 8: {4, 5, 7, 7, 8},
			},
			want: []float64{
				math.Sqrt(5) / 2, 1 / math.Sqrt2, -2 / math.Sqrt(5),
				1 / math.Sqrt2, nan, -math.Sqrt2,
				-2 / math.Sqrt(5), -math.Sqrt2, -2 / math.Sqrt(5),
			},
		},
		{
			// Area 8 of the "high corner" grid cut loose (an island: no neighbour, and in no
			// list). Its z would come from itself alone: NaN. It still counts in n = 9, xbar = 2
			// and S = 2*sqrt(2), so areas 0 to 3 and 6 keep their z.
			// Centre 4: W = 8, sum 17, numerator 1, denominator 2*sqrt(2)*sqrt((72 - 64)/8)
			//   = 2*sqrt(2): z = sqrt(2)/4.
			// Edges 5 and 7: W = 5, sum 5, numerator -5, denominator
			//   2*sqrt(2)*sqrt((45 - 25)/8) = 2*sqrt(5): z = -sqrt(5)/2.
			name: "island",
			x:    []float64{10, 1, 1, 1, 1, 1, 1, 1, 1},
			neighbours: [][]int32{
				0: {1, 3, 4}, 1: {0, 2, 3, 4, 5}, 2: {1, 4, 5}, 3: {0, 1, 4, 6, 7}, 4: {0, 1, 2, 3, 5, 6, 7},
				5: {1, 2, 4, 7}, 6: {3, 4, 7}, 7: {3, 4, 5, 6}, 8: {},
			},
			want: []float64{
				math.Sqrt(5) / 2, 1 / math.Sqrt2, -2 / math.Sqrt(5),
				1 / math.Sqrt2, math.Sqrt2 / 4, -math.Sqrt(5) / 2,
				-2 / math.Sqrt(5), -math.Sqrt(5) / 2, nan,
			},
		},
		{
			// An area whose only neighbour has no value is alone too: area 0. Pair 2-3:
			// n = 3, xbar = 3, S^2 = 35/3 - 9 = 8/3; W = 2, sum 8, numerator 2, denominator
			// S*sqrt((6 - 4)/2) = S: z = 2/sqrt(8/3) = sqrt(3/2) for both.
			name: "neighbours without values", x: []float64{1, nan, 3, 5}, neighbours: [][]int32{{1}, {0}, {3}, {2}},
			want: []float64{nan, nan, math.Sqrt(1.5), math.Sqrt(1.5)},
		},
		{name: "all equal", x: []float64{2, 2, 2}, neighbours: [][]int32{{1}, {0, 2}, {1}}, want: []float64{nan, nan, nan}},
		{name: "one value", x: []float64{2, nan}, neighbours: [][]int32{{1}, {0}}, want: []float64{nan, nan}},
		{name: "empty", x: nil, neighbours: nil, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GetisOrdStar(tt.x, tt.neighbours)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d z-scores, want %d", len(got), len(tt.want))
			}
			for i := range got {
				near(t, "z", got[i], tt.want[i], 1e-9)
			}
		})
	}
}

func TestGetisOrdStarPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for len(neighbours) != len(x)")
		}
	}()
	GetisOrdStar([]float64{1, 2}, [][]int32{{1}})
}

func TestNormalTwoSidedP(t *testing.T) {
	tests := []struct {
		name string
		z    float64
		want float64
		tol  float64
	}{
		{name: "zero", z: 0, want: 1, tol: 1e-15},
		{name: "1.96", z: 1.96, want: 0.04999579029644087, tol: 1e-15},
		{name: "-1.96", z: -1.96, want: 0.04999579029644087, tol: 1e-15},
		{name: "3", z: 3, want: 0.0026997960632601913, tol: 1e-16},
		// Far in the tail 1 - Phi(z) would round to 0; erfc keeps the digits.
		{name: "10", z: 10, want: 1.5239706048321186e-23, tol: 1e-35},
		{name: "NaN", z: math.NaN(), want: math.NaN()},
		{name: "infinite", z: math.Inf(-1), want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			near(t, "p", NormalTwoSidedP(tt.z), tt.want, tt.tol)
		})
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		p    []float64
		q    float64
		want []bool
	}{
		{
			// m = 5 (the NaN does not count); thresholds k*0.05/5 = .01, .02, .03, .04, .05.
			// Sorted: .005 <= .01 yes; .025 <= .02 no; .028 <= .03 yes; .045 <= .04 no;
			// .2 <= .05 no. Largest k = 3, so .005, .025 and .028 are flagged: .025 by the
			// step-up although it misses its own threshold.
			name: "step-up",
			p:    []float64{0.028, 0.2, 0.005, 0.025, 0.045, nan},
			q:    0.05,
			want: []bool{true, false, true, true, false, false},
		},
		{
			// Thresholds .05/3 = .0167, .0333, .05: sorted .02, .04, .5 meet none.
			name: "none",
			p:    []float64{0.02, 0.5, 0.04},
			q:    0.05,
			want: []bool{false, false, false},
		},
		{
			// Thresholds .0125, .025, .0375, .05: the largest p meets the last, so all go.
			name: "all",
			p:    []float64{0.05, 0.04, 0.001, 0.03},
			q:    0.05,
			want: []bool{true, true, true, true},
		},
		{
			// Ties: thresholds .02 and .04 for two p-values of .03: k = 2.
			name: "ties",
			p:    []float64{0.03, 0.03},
			q:    0.04,
			want: []bool{true, true},
		},
		{name: "all NaN", p: []float64{nan, nan}, q: 0.05, want: []bool{false, false}},
		{name: "empty", p: nil, q: 0.05, want: []bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BenjaminiHochberg(tt.p, tt.q)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}

func TestHotspots(t *testing.T) {
	tests := []struct {
		name       string
		x          []float64
		neighbours [][]int32
		q          float64
		wantSig    []bool
	}{
		// The high corner: p = erfc(|z|/sqrt(2)) gives corner 0 (z 1.118) p 0.264, no
		// discovery at q = 0.05; at q = 0.99 every defined p is one. The centre has no z.
		{"strict", []float64{10, 1, 1, 1, 1, 1, 1, 1, 1}, gridQueen, 0.05, make([]bool, 9)},
		{"lenient", []float64{10, 1, 1, 1, 1, 1, 1, 1, 1}, gridQueen, 0.99,
			[]bool{true, true, true, true, false, true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, p, sig := Hotspots(tt.x, tt.neighbours, tt.q)
			wantZ := GetisOrdStar(tt.x, tt.neighbours)
			for i := range z {
				near(t, "z", z[i], wantZ[i], 0)
				near(t, "p", p[i], NormalTwoSidedP(wantZ[i]), 0)
				if sig[i] != tt.wantSig[i] {
					t.Errorf("area %d: sig %v, want %v", i, sig[i], tt.wantSig[i])
				}
			}
		})
	}
}
