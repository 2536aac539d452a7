package engine

import (
	"math"
	"testing"
)

func TestRankKey(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    float64
		want float64
	}{
		{"zero", 0, 0},
		{"nan", math.NaN(), math.NaN()},
		{"short", 0.25, 0.25},
		{"twelve digits kept", 1.23456789012e-3, 1.23456789012e-3},
		{"noise rounded away", 1.234567890123e-3 + 1e-19, 1.23456789012e-3},
		{"half rounds away from zero", 1.000000000005, 1.00000000001},
		{"below half rounds down", 1.0000000000049, 1},
		{"negative", -2.0000000000049e5, -2e5},
		{"power of ten", 1000, 1000},
		{"just below a power of ten", 9.9999999999999e-4, 1e-3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := rankKey(tt.x)
			if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("rankKey(%v) = %v, want %v", tt.x, got, tt.want)
			}
		})
	}
}

func TestUnderserved(t *testing.T) {
	nan := math.NaN()
	for _, tt := range []struct {
		name   string
		decile int
		pct    float64
		want   flag
	}{
		{"both", 1, 0.1, flagTrue},
		{"edge", 2, 0.2, flagTrue},
		{"not deprived", 3, 0.1, flagFalse},
		{"well provided", 1, 0.3, flagFalse},
		{"no pct, deprived", 1, nan, flagNull},
		{"no pct, not deprived", 5, nan, flagFalse},
		{"no decile, provided", 0, 0.5, flagFalse},
		{"no decile, low", 0, 0.1, flagNull},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := underserved(tt.decile, tt.pct, 2, 0.2); got != tt.want {
				t.Errorf("underserved(%d, %v) = %v, want %v", tt.decile, tt.pct, got, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	sorted := []float64{0, 0, 1, 2, 2, 3}
	for _, tt := range []struct {
		x    float64
		want float64
	}{{0, 0}, {1, 0.4}, {2, 0.6}, {3, 1}} {
		if got := percentile(less(sorted, tt.x), len(sorted), tt.x); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}
