package main

import (
	"fmt"
	"slices"
	"time"
)

// median returns the median of xs (the mean of the middle two for an even count), 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// medianDuration is median over durations.
func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}

// seconds formats a duration as seconds with two decimals.
func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// millis formats a duration as milliseconds with one decimal.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// thousands formats n with thousands separators: 32844 -> "32,844".
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// round is one timed round of a side-by-side comparison.
type round struct {
	first          string // which contender ran first
	spatlas, other time.Duration
}

// alternate runs an untimed warm-up round (file cache, connections, catalog), then rounds timed
// ones, each calling both contenders; the order swaps from round to round so that neither always
// meets a warmer or a colder machine. Each contender returns the time it measured.
func alternate(rounds int, otherName string, spatlas, other func(round string) (time.Duration, error)) ([]round, error) {
	var out []round
	for r := 0; r <= rounds; r++ {
		name := roundName(r)
		rd := round{first: "spatlas"}
		runS := func() (err error) { rd.spatlas, err = spatlas(name); return err }
		runO := func() (err error) { rd.other, err = other(name); return err }
		steps := []func() error{runS, runO}
		if r%2 == 0 && r > 0 {
			rd.first = otherName
			steps = []func() error{runO, runS}
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, err
			}
		}
		if r > 0 {
			out = append(out, rd)
		}
	}
	return out, nil
}
