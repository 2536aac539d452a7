package stats_test

import (
	"fmt"

	"github.com/spatlas/spatlas/internal/stats"
)

func ExampleCompute() {
	// Link worker FTE per 10,000 people in 30 LSOAs, three in each IMD decile, with provision
	// falling from the most to the least deprived.
	var obs []stats.Obs
	for d := 1; d <= 10; d++ {
		for k := range 3 {
			rank := 3*(d-1) + k + 1
			obs = append(obs, stats.Obs{
				Value:  2.2 - 0.1*float64(d) + 0.05*float64(k-1),
				Pop:    1500 + 100*float64(k),
				Rank:   rank,
				Decile: d,
			})
		}
	}
	res, err := stats.Compute(obs, stats.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range res.Deciles[:3] {
		fmt.Printf("decile %d: %d LSOAs, mean %.3f (SE %.3f)\n", g.Decile, g.N, g.Mean, g.SE)
	}
	fmt.Printf("most vs least deprived quintile: %.3f vs %.3f, ratio %.2f, difference %.3f\n",
		res.Q1Mean, res.Q5Mean, res.QuintileRatio, res.QuintileDiff)
	fmt.Printf("SII %.3f, RII %.3f, concentration index %.4f\n", res.SII, res.RII, res.CI)
	fmt.Println("SII inside its 95% interval:", res.SIICI.Lower < res.SII && res.SII < res.SIICI.Upper)
	// Output:
	// decile 1: 3 LSOAs, mean 2.102 (SE 0.029)
	// decile 2: 3 LSOAs, mean 2.002 (SE 0.029)
	// decile 3: 3 LSOAs, mean 1.902 (SE 0.029)
	// most vs least deprived quintile: 2.052 vs 1.252, ratio 1.64, difference 0.800
	// SII -1.000, RII 0.535, concentration index -0.0985
	// SII inside its 95% interval: true
}
