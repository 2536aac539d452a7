package app

import (
	"math"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestScaleWeights(t *testing.T) {
	nan := math.NaN()
	for _, tt := range []struct {
		name   string
		in     []float64
		better bool
		want   []float64
	}{
		{"min-max", []float64{10, 50, 40}, false, []float64{0, 1, 0.75}},
		{"higher is better", []float64{10, 50, 40}, true, []float64{1, 0, 0.25}},
		{"missing values", []float64{nan, 2, 4, nan, 3}, false, []float64{nan, 0, 1, nan, 0.5}},
		{"all equal", []float64{7, 7}, true, []float64{1, 1}},
		{"none", []float64{nan}, false, []float64{nan}},
		{"empty", nil, false, []float64{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ScaleWeights(tt.in, tt.better)
			if len(got) != len(tt.want) {
				t.Fatalf("%v, want %v", got, tt.want)
			}
			for i := range got {
				if math.IsNaN(tt.want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(got[i]) && math.Abs(got[i]-tt.want[i]) > 1e-12) {
					t.Errorf("%v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestHigherIsBetter(t *testing.T) {
	cols := map[string]spatlas.Column{}
	for _, c := range spatlas.Dictionary([]string{"food"}) {
		cols[c.Name] = c
	}
	for name, want := range map[string]bool{
		"imd_rank": true, "health_decile": true, "assets_access_per_1k": true, "lw_fte_per_10k": true, "provision_pct": true,
		"nearest_asset_m": false, "nearest_food_m": false, "imd_score": false, "need_pct": false, "gap": false, "population": false,
	} {
		c, ok := cols[name]
		if !ok {
			t.Errorf("%s: not in the dictionary", name)
			continue
		}
		if got := HigherIsBetter(c); got != want {
			t.Errorf("HigherIsBetter(%s) = %v, want %v", name, got, want)
		}
	}
	if _, ok := weightMetrics(nil)["lad_name"]; ok {
		t.Error("lad_name, a string, is a weight metric")
	}
}
