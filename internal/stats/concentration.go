package stats

import (
	"cmp"
	"math"
	"slices"
)

// ConcentrationIndex returns the population-weighted concentration index of the values in obs
// by deprivation:
//
//	C = 2 * cov_w(y, R) / mean_w(y)
//
// where mean_w(y) = sum(w*y)/sum(w), cov_w(y, R) = sum(w*(y - mean_w(y))*(R - mean_w(R)))/sum(w)
// and R is the population-weighted fractional rank by deprivation, from the most deprived (R near
// 0) to the least deprived (R near 1): with the observations sorted by Rank ascending (a stable
// sort, so ties keep their input order), R_i = (pop before i + Pop_i/2) / total pop.
//
// C lies in (-1, 1) for a positive metric. A negative C means the metric is concentrated among
// the more deprived, a positive C among the less deprived; 0 means no association with rank (a
// constant metric gives exactly 0). Observations that are not usable (see [Obs]) are left out.
// C is NaN when no observation is usable or the weighted mean is 0.
func ConcentrationIndex(obs []Obs) float64 {
	c, _ := concentrationSE(obs)
	return c
}

// ConcentrationIndexSE returns the concentration index of obs (as [ConcentrationIndex]) and its
// standard error by the delta method of Kakwani, Wagstaff and van Doorslaer (1997, J.
// Econometrics 77:87-103), with the LSOAs as the sampled units and their populations as weights.
// With f_i = Pop_i/sum(Pop) in Rank order, mu = sum(f*y), q_i = sum_(k<=i) f_k*y_k/mu (the
// concentration curve, q_0 = 0) and
//
//	a_i = (y_i/mu)*(2*R_i - 1 - C) + 2 - q_(i-1) - q_i
//
// the variance is (sum(f_i*a_i^2) - (1 + C)^2) / n, n the number of usable observations. With
// equal populations this is the formula for unweighted data. The standard error is NaN when n
// is below 2 or C is NaN.
func ConcentrationIndexSE(obs []Obs) (c, se float64) {
	return concentrationSE(obs)
}

// concentration returns the concentration index and its confidence interval at level conf
// (C plus or minus z*SE, z the normal quantile).
func concentration(obs []Obs, conf float64) (float64, Interval) {
	c, se := concentrationSE(obs)
	if math.IsNaN(se) {
		return c, nanInterval()
	}
	z := math.Sqrt2 * math.Erfinv(conf)
	return c, Interval{Lower: c - z*se, Upper: c + z*se}
}

// concentrationSE computes the index and its delta-method standard error.
func concentrationSE(obs []Obs) (c, se float64) {
	use := make([]Obs, 0, len(obs))
	var total float64
	for _, o := range obs {
		if o.usable() {
			use = append(use, o)
			total += o.Pop
		}
	}
	if len(use) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.SortStableFunc(use, func(a, b Obs) int { return cmp.Compare(a.Rank, b.Rank) })

	f := make([]float64, len(use))
	r := make([]float64, len(use))
	var cum, mu, rbar float64
	for i, o := range use {
		f[i] = o.Pop / total
		r[i] = cum + f[i]/2
		cum += f[i]
		mu += f[i] * o.Value
		rbar += f[i] * r[i]
	}
	if mu == 0 {
		return math.NaN(), math.NaN()
	}
	var cov float64
	for i, o := range use {
		cov += f[i] * (o.Value - mu) * (r[i] - rbar)
	}
	c = 2 * cov / mu

	n := len(use)
	if n < 2 {
		return c, math.NaN()
	}
	var qPrev, sfa2 float64
	for i, o := range use {
		q := qPrev + f[i]*o.Value/mu
		a := o.Value/mu*(2*r[i]-1-c) + 2 - qPrev - q
		sfa2 += f[i] * a * a
		qPrev = q
	}
	v := (sfa2 - (1+c)*(1+c)) / float64(n)
	if v < 0 { // rounding when every a_i is equal
		v = 0
	}
	return c, math.Sqrt(v)
}
