package stats

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Errors wrapped by the errors this package returns.
var (
	// ErrNoData means no observation was usable (all had a non-positive population or a value
	// that is not a finite number), so there is nothing to compute.
	ErrNoData = errors.New("no usable observations")
	// ErrInvalid means an input or option is out of its allowed range.
	ErrInvalid = errors.New("invalid input")
)

// Defaults used by [Compute] for the zero [Options].
const (
	// DefaultConfidence is the confidence level of the intervals.
	DefaultConfidence = 0.95
	// DefaultReps is the number of simulations behind the SII and RII intervals.
	DefaultReps = 10000
)

// Obs is one area (an LSOA) in an inequality calculation.
type Obs struct {
	// Value is the metric. An observation whose value is NaN or infinite is ignored.
	Value float64
	// Pop is the population weight. An observation with Pop <= 0 (or NaN, or infinite) is
	// ignored.
	Pop float64
	// Rank is the national IMD rank, 1 = most deprived; ranks are unique in the IoD.
	Rank int
	// Decile is the national IMD decile, 1..10, 1 = most deprived.
	Decile int
}

// usable reports whether o takes part in a calculation: a finite value and a positive, finite
// population.
func (o Obs) usable() bool {
	return !math.IsNaN(o.Value) && !math.IsInf(o.Value, 0) && o.Pop > 0 && !math.IsInf(o.Pop, 0)
}

// Group is one IMD decile (or, for [SII], any ordered group) in an inequality calculation.
type Group struct {
	// Decile is the IMD decile, 1 = most deprived.
	Decile int
	// N is the number of observations (LSOAs) in the decile.
	N int
	// Pop is the decile's population, the sum of its observations' Pop.
	Pop float64
	// Mean is the population-weighted mean of the observations' values: sum(w*y)/sum(w).
	Mean float64
	// SE is the standard error of Mean, treating the observations as a sample of areas with
	// weights w (the linearised, or sandwich, standard error of a weighted mean):
	//
	//	SE = sqrt(n/(n-1) * sum(w_i^2 * (y_i - Mean)^2)) / sum(w_i)
	//
	// With equal weights it is the familiar s/sqrt(n). It is NaN when N < 2.
	SE float64
}

// Interval is a confidence interval. Both limits are NaN when it cannot be computed.
type Interval struct {
	Lower, Upper float64
}

// nanInterval is the interval that could not be computed.
func nanInterval() Interval { return Interval{math.NaN(), math.NaN()} }

// Inequality is the inequality of one metric by deprivation, as returned by [Compute].
type Inequality struct {
	// N is the number of usable observations and Pop their total population.
	N   int
	Pop float64
	// Deciles holds the deciles with at least one usable observation, most deprived first.
	Deciles []Group
	// Q1Mean is the population-weighted mean over the observations in deciles 1 and 2 (the most
	// deprived quintile) and Q5Mean over deciles 9 and 10 (the least deprived); NaN when the
	// quintile has no observations.
	Q1Mean, Q5Mean float64
	// QuintileRatio is Q1Mean/Q5Mean (NaN when Q5Mean is 0) and QuintileDiff is
	// Q1Mean - Q5Mean.
	QuintileRatio, QuintileDiff float64
	// SII is the slope index of inequality over the deciles (see [SII]): the fitted value at the
	// least deprived end minus that at the most deprived end. Positive means the metric rises
	// towards the least deprived. NaN with fewer than two deciles.
	SII float64
	// SIICI is SII's confidence interval by simulation (see [Compute]).
	SIICI Interval
	// RII is the relative index of inequality (b0 + SII)/b0: the fitted value at the least
	// deprived end over that at the most deprived end. NaN when b0 is 0.
	RII float64
	// RIICI is RII's confidence interval by the same simulation as SIICI.
	RIICI Interval
	// CI is the concentration index over the observations (see [ConcentrationIndex]).
	CI float64
	// CICI is CI's confidence interval from the delta-method standard error of Kakwani,
	// Wagstaff and van Doorslaer (1997) (see [ConcentrationIndexSE]).
	CICI Interval
	// Confidence is the confidence level of the intervals, e.g. 0.95.
	Confidence float64
	// Reps is the number of simulations behind SIICI and RIICI; 0 when they were not simulated.
	Reps int
}

// Options tunes [Compute]. The zero value gives the defaults.
type Options struct {
	// Confidence is the confidence level of the intervals, in (0, 1); 0 means
	// DefaultConfidence.
	Confidence float64
	// Reps is the number of simulations for the SII and RII intervals; 0 means DefaultReps and
	// a negative number skips the simulation (the intervals are then NaN).
	Reps int
	// Seed seeds the simulation's random numbers (PCG). The same inputs and Seed give the same
	// result; the zero Seed is as good as any other.
	Seed uint64
}

// pcgStream is the fixed second word of the PCG seed.
const pcgStream = 0x9e3779b97f4a7c15

// Compute returns the inequality of a metric by deprivation over obs (the LSOAs of one area).
// Observations with a value that is not finite or a population that is not positive are left
// out. Only usable observations are checked: each must have Decile in 1..10 and Rank >= 1.
//
// The deciles' means and standard errors are those of [Group]; the SII and RII are fitted over
// the deciles present as in [SII], from Group.Pop and Group.Mean.
//
// The SII and RII confidence intervals are simulated as PHEindicatormethods' phe_sii does: in
// each of opt.Reps repetitions every decile's value is drawn from Normal(Mean, SE) and the
// regression refitted; the simulated SIIs (and RIIs) are sorted and the limits are those at
// the 1-based positions round(Reps*(1-c)/2) and round(Reps*(1+c)/2), c the confidence level
// (positions 250 and 9750 for 10,000 repetitions at 95%). They are NaN when the SII is NaN
// or when any decile has no standard error (fewer than two observations), since the
// simulation then has no spread to draw from for that decile.
//
// The concentration index and its interval are over the observations, not the deciles.
//
// Compute returns an error wrapping ErrInvalid for out-of-range options or observations, and
// wrapping ErrNoData when no observation is usable.
func Compute(obs []Obs, opt Options) (Inequality, error) {
	conf := opt.Confidence
	if conf == 0 {
		conf = DefaultConfidence
	}
	if !(conf > 0 && conf < 1) {
		return Inequality{}, fmt.Errorf("%w: confidence %v is not between 0 and 1", ErrInvalid, opt.Confidence)
	}
	reps := opt.Reps
	if reps == 0 {
		reps = DefaultReps
	}

	sums, n, total, err := decileSums(obs)
	if err != nil {
		return Inequality{}, err
	}
	out := Inequality{N: n, Pop: total, Confidence: conf, Deciles: decileGroups(obs, sums)}

	out.Q1Mean = quintileMean(sums[1].w+sums[2].w, sums[1].wy+sums[2].wy)
	out.Q5Mean = quintileMean(sums[9].w+sums[10].w, sums[9].wy+sums[10].wy)
	out.QuintileDiff = out.Q1Mean - out.Q5Mean
	out.QuintileRatio = math.NaN()
	if out.Q5Mean != 0 {
		out.QuintileRatio = out.Q1Mean / out.Q5Mean
	}

	out.SII, out.RII = math.NaN(), math.NaN()
	out.SIICI, out.RIICI = nanInterval(), nanInterval()
	if fit, err := newSIIFit(out.Deciles); err == nil {
		sii, b0 := fit.solve(func(i int) float64 { return out.Deciles[i].Mean })
		out.SII, out.RII = sii, rii(sii, b0)
		if reps > 0 && allSE(out.Deciles) {
			rng := rand.New(rand.NewPCG(opt.Seed, pcgStream))
			out.SIICI, out.RIICI = fit.simulate(out.Deciles, conf, reps, rng)
			out.Reps = reps
		}
	}

	out.CI, out.CICI = concentration(obs, conf)
	return out, nil
}

// decileSum is the count, population and population-weighted value sum of one decile.
type decileSum struct {
	n     int
	w, wy float64
}

// decileSums sums the usable observations by decile (index 1 to 10), checking each; n counts
// them and total adds their populations.
func decileSums(obs []Obs) (sums [11]decileSum, n int, total float64, err error) {
	for i, o := range obs {
		if !o.usable() {
			continue
		}
		if o.Decile < 1 || o.Decile > 10 {
			return sums, 0, 0, fmt.Errorf("%w: observation %d: decile %d is not between 1 and 10", ErrInvalid, i, o.Decile)
		}
		if o.Rank < 1 {
			return sums, 0, 0, fmt.Errorf("%w: observation %d: rank %d is not 1 or more", ErrInvalid, i, o.Rank)
		}
		s := &sums[o.Decile]
		s.n++
		s.w += o.Pop
		s.wy += o.Pop * o.Value
		n++
		total += o.Pop
	}
	if n == 0 {
		return sums, 0, 0, fmt.Errorf("%w: %d observations, none with a finite value and a positive population", ErrNoData, len(obs))
	}
	return sums, n, total, nil
}

// decileGroups returns the deciles present with their means and standard errors (those of the
// population-weighted mean, about each decile's mean: a second pass over obs).
func decileGroups(obs []Obs, sums [11]decileSum) []Group {
	var ss [11]float64
	for _, o := range obs {
		if !o.usable() {
			continue
		}
		d := o.Value - sums[o.Decile].wy/sums[o.Decile].w
		ss[o.Decile] += o.Pop * o.Pop * d * d
	}
	var gs []Group
	for d := 1; d <= 10; d++ {
		s := sums[d]
		if s.n == 0 {
			continue
		}
		g := Group{Decile: d, N: s.n, Pop: s.w, Mean: s.wy / s.w, SE: math.NaN()}
		if s.n >= 2 {
			k := float64(s.n)
			g.SE = math.Sqrt(k/(k-1)*ss[d]) / s.w
		}
		gs = append(gs, g)
	}
	return gs
}

// quintileMean is sum(w*y)/sum(w), NaN for no population.
func quintileMean(w, wy float64) float64 {
	if w == 0 {
		return math.NaN()
	}
	return wy / w
}

// allSE reports whether every group has a standard error.
func allSE(groups []Group) bool {
	for _, g := range groups {
		if math.IsNaN(g.SE) {
			return false
		}
	}
	return true
}

// rii is (b0+sii)/b0, NaN when b0 is 0.
func rii(sii, b0 float64) float64 {
	if b0 == 0 {
		return math.NaN()
	}
	return (b0 + sii) / b0
}

// SII fits the slope index of inequality over groups as PHEindicatormethods' phe_sii does (Low
// and Low 2004). The groups are taken in Decile order, most deprived (lowest Decile) first;
// groups need not be sorted. With a_i = Pop_i / sum(Pop), the group's population share, and
// b_i = a_1 + ... + a_(i-1) + a_i/2, the relative rank of its midpoint, it solves by least
// squares
//
//	Mean_i*sqrt(a_i) = b0*sqrt(a_i) + sii*(b_i*sqrt(a_i))
//
// which is weighted least squares of Mean on b with weights a. Since sum(a) = 1 and
// sum(a*b) = 1/2, the solution is
//
//	sii = (sum(a*b*y) - sum(a*y)/2) / (sum(a*b^2) - 1/4),  b0 = sum(a*y) - sii/2.
//
// sii is the fitted value at b = 1 (least deprived) minus that at b = 0 (most deprived), and b0
// the fitted value at b = 0; the RII is (b0 + sii)/b0. SII returns an error wrapping ErrInvalid
// when there are fewer than two groups, two groups share a Decile, or a group has a population
// that is not positive or a mean that is not finite.
func SII(groups []Group) (sii, b0 float64, err error) {
	gs := slices.Clone(groups)
	slices.SortStableFunc(gs, func(a, b Group) int { return cmp.Compare(a.Decile, b.Decile) })
	fit, err := newSIIFit(gs)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	sii, b0 = fit.solve(func(i int) float64 { return gs[i].Mean })
	return sii, b0, nil
}

// siiFit holds the parts of the SII regression that depend only on the populations, so that
// the simulation refits with two dot products per repetition.
type siiFit struct {
	a    []float64 // population shares
	c    []float64 // sii = sum(c_i*y_i), c_i = a_i*(b_i - bbar)/sum(a*(b - bbar)^2)
	bbar float64   // sum(a*b), 1/2 up to rounding
}

// newSIIFit prepares the fit over groups, which must be sorted by Decile.
func newSIIFit(groups []Group) (siiFit, error) {
	if len(groups) < 2 {
		return siiFit{}, fmt.Errorf("%w: the SII needs at least 2 groups, got %d", ErrInvalid, len(groups))
	}
	var total float64
	for i, g := range groups {
		if !(g.Pop > 0) || math.IsInf(g.Pop, 0) {
			return siiFit{}, fmt.Errorf("%w: group %d (decile %d): population %v is not positive", ErrInvalid, i, g.Decile, g.Pop)
		}
		if math.IsNaN(g.Mean) || math.IsInf(g.Mean, 0) {
			return siiFit{}, fmt.Errorf("%w: group %d (decile %d): mean %v is not a finite number", ErrInvalid, i, g.Decile, g.Mean)
		}
		if i > 0 && g.Decile == groups[i-1].Decile {
			return siiFit{}, fmt.Errorf("%w: decile %d appears twice", ErrInvalid, g.Decile)
		}
		total += g.Pop
	}
	f := siiFit{a: make([]float64, len(groups)), c: make([]float64, len(groups))}
	b := make([]float64, len(groups))
	var cum, sbb float64
	for i, g := range groups {
		f.a[i] = g.Pop / total
		b[i] = cum + f.a[i]/2
		cum += f.a[i]
	}
	// The weighted mean of b is exactly 1/2 in theory; use the computed one so that rounding
	// in the shares cannot leak into the slope.
	for i := range b {
		f.bbar += f.a[i] * b[i]
	}
	for i := range b {
		d := b[i] - f.bbar
		f.c[i] = f.a[i] * d
		sbb += f.a[i] * d * d
	}
	for i := range f.c {
		f.c[i] /= sbb
	}
	return f, nil
}

// solve returns the SII and b0 for the group values y(i).
func (f siiFit) solve(y func(i int) float64) (sii, b0 float64) {
	var ybar float64
	for i, a := range f.a {
		v := y(i)
		ybar += a * v
		sii += f.c[i] * v
	}
	return sii, ybar - sii*f.bbar
}

// simulate draws reps sets of group values from Normal(Mean, SE), refits, and returns the
// SII and RII intervals at confidence conf, picked from the sorted simulations as phe_sii does.
func (f siiFit) simulate(groups []Group, conf float64, reps int, rng *rand.Rand) (siiCI, riiCI Interval) {
	sims := make([]float64, reps)
	riis := make([]float64, reps)
	draw := make([]float64, len(groups))
	for r := range reps {
		for i, g := range groups {
			draw[i] = g.Mean + g.SE*rng.NormFloat64()
		}
		sii, b0 := f.solve(func(i int) float64 { return draw[i] })
		sims[r] = sii
		riis[r] = rii(sii, b0)
	}
	return percentileInterval(sims, conf), percentileInterval(riis, conf)
}

// percentileInterval sorts sims and returns the values at the 1-based positions
// round(n*(1-c)/2) and round(n*(1+c)/2), rounding half to even as R does, clamped to 1..n.
func percentileInterval(sims []float64, conf float64) Interval {
	slices.Sort(sims)
	n := len(sims)
	pos := func(p float64) int {
		k := int(math.RoundToEven(float64(n) * p))
		return min(max(k, 1), n) - 1
	}
	upper := conf + (1-conf)/2
	return Interval{Lower: sims[pos(1-upper)], Upper: sims[pos(upper)]}
}
