package stats

import (
	"cmp"
	"math"
	"slices"
)

// GetisOrdStar returns the Getis-Ord Gi* z-score of every area (Ord and Getis 1995), with
// binary weights and each area counted as its own neighbour: w_ij = 1 when j = i or j is in
// neighbours[i], else 0. neighbours[i] holds indexes into x (for spatlas, the LSOAs that touch
// area i: queen contiguity); listing i itself or the same neighbour twice changes nothing.
//
//	G*_i = (sum_j w_ij*x_j - xbar*W_i) / (S * sqrt((n*W_i - W_i^2) / (n - 1)))
//
// where n is the number of areas with a value, xbar their mean, S = sqrt(sum(x^2)/n - xbar^2)
// and W_i = sum_j w_ij, the number of areas with a value among i and its neighbours.
//
// A NaN x is missing: it is left out of n, xbar and S and out of every neighbour sum and W_i,
// and its own z is NaN. A z is also NaN when it is undefined: n < 2, all values equal (S = 0),
// W_i = n (the area and its neighbours are every area, so numerator and denominator are
// both 0; the centre of a 3x3 grid under queen contiguity is such an area), or W_i = 1 (the
// area has no neighbour with a value, such as an island, and a z from itself alone says
// nothing about its surroundings).
//
// GetisOrdStar panics if len(neighbours) != len(x) or an index is out of range, as slice
// indexing does: both are programming errors.
func GetisOrdStar(x []float64, neighbours [][]int32) []float64 {
	if len(neighbours) != len(x) {
		panic("stats.GetisOrdStar: len(neighbours) != len(x)")
	}
	var n int
	var sum, sum2 float64
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
			sum += v
			sum2 += v * v
		}
	}
	z := make([]float64, len(x))
	if n < 2 {
		for i := range z {
			z[i] = math.NaN()
		}
		return z
	}
	fn := float64(n)
	xbar := sum / fn
	s := math.Sqrt(max(sum2/fn-xbar*xbar, 0))

	var seen []int32 // neighbour list of i without i and duplicates
	for i, xi := range x {
		if math.IsNaN(xi) || s == 0 {
			z[i] = math.NaN()
			continue
		}
		seen = append(seen[:0], neighbours[i]...)
		slices.SortFunc(seen, cmp.Compare)
		seen = slices.Compact(seen)
		lx, w := xi, 1.0
		for _, j := range seen {
			if int(j) == i {
				continue
			}
			if v := x[j]; !math.IsNaN(v) {
				lx += v
				w++
			}
		}
		den := s * math.Sqrt((fn*w-w*w)/(fn-1))
		if w < 2 || !(den > 0) {
			z[i] = math.NaN()
			continue
		}
		z[i] = (lx - xbar*w) / den
	}
	return z
}

// Hotspots returns the hotspot statistics of x over the neighbours of each area (METHODS.md,
// "Gap and underserved areas"): the Getis-Ord Gi* z-scores ([GetisOrdStar]), their two-sided
// p-values ([NormalTwoSidedP]) and which are discoveries at false discovery rate q
// ([BenjaminiHochberg]). Where z is NaN, so is p, and sig is false.
func Hotspots(x []float64, neighbours [][]int32, q float64) (z, p []float64, sig []bool) {
	z = GetisOrdStar(x, neighbours)
	p = make([]float64, len(z))
	for i := range z {
		p[i] = NormalTwoSidedP(z[i])
	}
	return z, p, BenjaminiHochberg(p, q)
}

// NormalTwoSidedP returns the two-sided p-value of a standard normal z-score,
// 2*(1 - Phi(|z|)), computed as erfc(|z|/sqrt(2)) so that it stays accurate far in the tail.
// It is NaN for a NaN z.
func NormalTwoSidedP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// BenjaminiHochberg applies the Benjamini-Hochberg step-up procedure at false discovery rate q
// to the p-values p and reports which are discoveries. With m the number of p-values that are
// not NaN, sorted ascending as p_(1) <= ... <= p_(m), it finds the largest k with
// p_(k) <= k*q/m and flags the k smallest p-values (all of them, even those above their own
// threshold). A NaN p-value is never flagged and does not count in m.
func BenjaminiHochberg(p []float64, q float64) []bool {
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	m := float64(len(idx))
	k := 0
	for r, i := range idx {
		if p[i] <= float64(r+1)*q/m {
			k = r + 1
		}
	}
	out := make([]bool, len(p))
	for _, i := range idx[:k] {
		out[i] = true
	}
	return out
}
