package stats

import (
	"math"
	"testing"
)

func TestConcentrationIndex(t *testing.T) {
	// Hand-computed case, four areas given out of rank order. Sorted by rank:
	//
	//   rank  pop  f = pop/500  R = before + f/2   y
	//   1     100  0.2          0.1                4
	//   2     200  0.4          0.4                3
	//   3     100  0.2          0.7                2
	//   4     100  0.2          0.9                1
	//
	// mean(y) = 0.8 + 1.2 + 0.4 + 0.2 = 2.6; mean(R) = 0.02 + 0.16 + 0.14 + 0.18 = 0.5;
	// cov = 0.2*(1.4)(-0.4) + 0.4*(0.4)(-0.1) + 0.2*(-0.6)(0.2) + 0.2*(-1.6)(0.4)
	//     = -0.112 - 0.016 - 0.024 - 0.128 = -0.28;
	// C = 2*(-0.28)/2.6 = -14/65: the metric is higher among the more deprived.
	handOrder := []Obs{
		{Value: 2, Pop: 100, Rank: 3, Decile: 6},
		{Value: 4, Pop: 100, Rank: 1, Decile: 1},
		{Value: 1, Pop: 100, Rank: 4, Decile: 10},
		{Value: 3, Pop: 200, Rank: 2, Decile: 3},
	}
	// The same areas with the values reversed, y = 1, 2, 3, 4 in rank order (not simply +14/65,
	// since the mean changes): mean = 0.2 + 0.8 + 0.6 + 0.8 = 2.4;
	// cov = 0.2*(-1.4)(-0.4) + 0.4*(-0.4)(-0.1) + 0.2*(0.6)(0.2) + 0.2*(1.6)(0.4)
	//     = 0.112 + 0.016 + 0.024 + 0.128 = 0.28; C = 0.56/2.4 = 7/30.
	rising := []Obs{
		{Value: 3, Pop: 100, Rank: 3},
		{Value: 1, Pop: 100, Rank: 1},
		{Value: 4, Pop: 100, Rank: 4},
		{Value: 2, Pop: 200, Rank: 2},
	}
	tests := []struct {
		name string
		obs  []Obs
		want float64
	}{
		{name: "hand computed, higher in the deprived", obs: handOrder, want: -14.0 / 65},
		{name: "hand computed, higher in the less deprived", obs: rising, want: 7.0 / 30},
		{name: "ignored observations change nothing", obs: append([]Obs{
			{Value: 50, Pop: 0, Rank: 5},
			{Value: math.NaN(), Pop: 10, Rank: 1},
		}, handOrder...), want: -14.0 / 65},
		{name: "constant", obs: []Obs{{Value: 7, Pop: 3, Rank: 2}, {Value: 7, Pop: 9, Rank: 1}, {Value: 7, Pop: 1, Rank: 3}}, want: 0},
		{name: "one area", obs: []Obs{{Value: 7, Pop: 3, Rank: 2}}, want: 0},
		{name: "mean zero", obs: []Obs{{Value: 1, Pop: 1, Rank: 1}, {Value: -1, Pop: 1, Rank: 2}}, want: math.NaN()},
		{name: "none usable", obs: []Obs{{Value: 1, Pop: 0, Rank: 1}}, want: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			near(t, "C", ConcentrationIndex(tt.obs), tt.want, 1e-12)
		})
	}
}

func TestConcentrationIndexSign(t *testing.T) {
	// Higher in the more deprived (low rank) gives a negative index; higher in the less
	// deprived a positive one.
	var down, up []Obs
	for r := 1; r <= 50; r++ {
		down = append(down, Obs{Value: 100 - float64(r) + float64(r%3), Pop: float64(1000 + 37*r%200), Rank: r})
		up = append(up, Obs{Value: 10 + float64(r) + float64(r%3), Pop: float64(1000 + 37*r%200), Rank: r})
	}
	if c := ConcentrationIndex(down); !(c < 0) {
		t.Errorf("falling with rank: C = %v, want < 0", c)
	}
	if c := ConcentrationIndex(up); !(c > 0) {
		t.Errorf("rising with rank: C = %v, want > 0", c)
	}
}

func TestConcentrationIndexSE(t *testing.T) {
	// Two areas of equal population, y = 1 then 3 in rank order: f = 1/2, R = 1/4, 3/4,
	// mu = 2, cov = 1/2*((-1)(-1/4) + (1)(1/4)) = 1/4, C = 2*(1/4)/2 = 1/4.
	// q_1 = 1/2*1/2 = 1/4, q_2 = 1.
	// a_1 = (1/2)(1/2 - 1 - 1/4) + 2 - 0 - 1/4 = -3/8 + 7/4 = 11/8
	// a_2 = (3/2)(3/2 - 1 - 1/4) + 2 - 1/4 - 1 = 3/8 + 3/4 = 9/8
	// sum(f*a^2) = 1/2*(121/64 + 81/64) = 101/64; (1 + C)^2 = 100/64;
	// var = (1/64)/2 = 1/128; SE = sqrt(1/128) = 0.08838834764831845.
	tests := []struct {
		name  string
		obs   []Obs
		c, se float64
	}{
		{name: "two areas", obs: []Obs{{Value: 3, Pop: 5, Rank: 2}, {Value: 1, Pop: 5, Rank: 1}}, c: 0.25, se: math.Sqrt(1.0 / 128)},
		{name: "one area", obs: []Obs{{Value: 3, Pop: 5, Rank: 2}}, c: 0, se: math.NaN()},
		// Constant y, n areas of equal population: C = 0, R_i = (2i-1)/(2n), q_i = i/n, so
		// a_i = (2i-1)/n - 1 + 2 - (2i-1)/n = 1 for every i and the variance is 1 - (1+0)^2 = 0.
		{name: "constant three", obs: []Obs{{Value: 2, Pop: 1, Rank: 1}, {Value: 2, Pop: 1, Rank: 2}, {Value: 2, Pop: 1, Rank: 3}},
			c: 0, se: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, se := ConcentrationIndexSE(tt.obs)
			near(t, "C", c, tt.c, 1e-12)
			near(t, "SE", se, tt.se, 1e-12)
		})
	}
}
