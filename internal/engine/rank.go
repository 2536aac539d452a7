package engine

import (
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// rankKey is the value the provision percentile ranks: x rounded as the build's SQL rounds it,
// round(x::numeric, RankDigits - 1 - floor(log(abs(x)))). PostgreSQL converts a float8 to
// numeric at 15 significant digits and rounds numerics half away from zero; the result, a
// decimal of at most RankDigits significant digits, is returned as the nearest float, which
// keeps equal decimals equal and the order of unequal ones. NaN stays NaN, 0 stays 0.
func rankKey(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	s := strconv.FormatFloat(math.Abs(x), 'e', 14, 64) // d.dddddddddddddde±XX
	mant, err := strconv.ParseInt(s[0:1]+s[2:16], 10, 64)
	if err != nil {
		return x
	}
	exp, err := strconv.Atoi(s[17:])
	if err != nil {
		return x
	}
	// The scale of the SQL: decimals kept = RankDigits - 1 - e, e the decimal exponent of |x|
	// as floor(log10) gives it; mant has units of 10^(exp-14).
	e := decimalExponent(math.Abs(x))
	drop := 14 - exp - (spatlas.RankDigits - 1 - e)
	if drop > 0 {
		if drop > 15 {
			return 0
		}
		p := int64(math.Pow10(drop))
		mant = (mant + p/2) / p
		exp += drop
	}
	v, err := strconv.ParseFloat(strconv.FormatInt(mant, 10)+"e"+strconv.Itoa(exp-14), 64)
	if err != nil {
		return x
	}
	return math.Copysign(v, x)
}

// decimalExponent is floor(log10(x)) for x > 0 as the C library's log10 gives it: the exponent
// of x's shortest decimal form (exact, unlike math.Log10 near powers of ten).
func decimalExponent(x float64) int {
	s := strconv.FormatFloat(x, 'e', -1, 64)
	i := len(s) - 1
	for s[i] != 'e' {
		i--
	}
	e, _ := strconv.Atoi(s[i+1:])
	return e
}

// sortedKeys returns the non-NaN keys in ascending order.
func sortedKeys(keys []float64) []float64 {
	out := make([]float64, 0, len(keys))
	for _, k := range keys {
		if !math.IsNaN(k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// less is the number of values of sorted (ascending) below x.
func less(sorted []float64, x float64) int {
	return sort.SearchFloat64s(sorted, x)
}

// percentile is percent_rank: the values below x over n - 1 (0 for a single value), NaN for a
// NaN x.
func percentile(below, n int, x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	if n < 2 {
		return 0
	}
	return float64(below) / float64(n-1)
}

// flag is a SQL boolean: null, false or true.
type flag int8

const (
	flagNull flag = iota - 1
	flagFalse
	flagTrue
)

// Ptr returns the flag as a *bool, nil for null.
func (f flag) Ptr() *bool {
	if f == flagNull {
		return nil
	}
	b := f == flagTrue
	return &b
}

// underserved is decile <= maxDecile AND pct <= maxPct with SQL's three-valued AND: false when
// either side is known false, null when neither is false and one is unknown.
func underserved(decile int, pct float64, maxDecile int, maxPct float64) flag {
	a, b := flagNull, flagNull
	if decile != 0 {
		a = flagFalse
		if decile <= maxDecile {
			a = flagTrue
		}
	}
	if !math.IsNaN(pct) {
		b = flagFalse
		if pct <= maxPct {
			b = flagTrue
		}
	}
	switch {
	case a == flagFalse || b == flagFalse:
		return flagFalse
	case a == flagNull || b == flagNull:
		return flagNull
	}
	return flagTrue
}
