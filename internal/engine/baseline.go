package engine

import "math"

// Baseline is every LSOA's figures on one metric with no change: what the build stored.
type Baseline struct {
	Metric string
	// Access is the accessibility per person (the stored assets_access or lw_access), NaN
	// without a point.
	Access []float64
	// Pct, Gap are the provision percentile and the gap, NaN when unknown.
	Pct, Gap []float64
	// Underserved is the flag, nil when unknown.
	Underserved []*bool
}

// Codes returns the LSOA codes in the model's order, that of every slice it returns.
func (m *Model) Codes() []string {
	out := make([]string, len(m.in.LSOAs))
	for i, l := range m.in.LSOAs {
		out[i] = l.Code
	}
	return out
}

// Baseline returns the figures of every LSOA on a gap metric, with no change.
func (m *Model) Baseline(metric string) (*Baseline, error) {
	kind, _, err := MetricKind(metric)
	if err != nil {
		return nil, err
	}
	l := m.layers[kind]
	n := len(m.in.LSOAs)
	b := &Baseline{Metric: metric, Access: l.access, Pct: l.pct, Gap: make([]float64, n), Underserved: make([]*bool, n)}
	for i := range n {
		b.Gap[i] = m.need[i] - l.pct[i]
		b.Underserved[i] = l.under[i].Ptr()
	}
	return b, nil
}

// Need returns the need percentile of every LSOA, NaN when unknown.
func (m *Model) Need() []float64 { return m.need }

// finite returns x, or nil when it is NaN, for JSON.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
