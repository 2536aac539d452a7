package app

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// weightMetrics returns the LSOA metrics a suggestion may weight need by: the numeric columns the
// dictionary publishes for LSOAs, by name.
func weightMetrics(categories []string) map[string]spatlas.Column {
	out := map[string]spatlas.Column{}
	for _, c := range spatlas.Dictionary(categories) {
		if (c.Type == spatlas.TypeNumber || c.Type == spatlas.TypeInteger) && slices.Contains(c.Levels, spatlas.LevelLSOA) {
			out[c.Name] = c
		}
	}
	return out
}

// HigherIsBetter says whether a larger value of an LSOA metric means less need: the IMD ranks and
// deciles (1 is the most deprived) and the provision metrics (more places, more access, a higher
// provision percentile), but not the distances to the nearest asset (_m), where larger is worse.
// Every other metric (scores, need percentile, population, gap, Gi* z) counts larger as more need.
func HigherIsBetter(c spatlas.Column) bool {
	switch {
	case strings.HasSuffix(c.Name, "_rank"), strings.HasSuffix(c.Name, "_decile"):
		return true
	case c.Section == "Provision":
		return !strings.HasSuffix(c.Name, "_m")
	}
	return false
}

// ScaleWeights scales values (NaN: none) to 0-1 by min-max over the values present, reversed
// (1 - scaled) when higher is better, so that 1 is always the most need. When every value is
// equal each weighs 1. NaN stays NaN.
func ScaleWeights(values []float64, higherIsBetter bool) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	out := make([]float64, len(values))
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			out[i] = math.NaN()
		case hi == lo:
			out[i] = 1
		case higherIsBetter:
			out[i] = (hi - v) / (hi - lo)
		default:
			out[i] = (v - lo) / (hi - lo)
		}
	}
	return out
}

// metricWeight resolves a request's weight: "" (need), need, population, or an LSOA metric named
// by weight "metric:<name>" or by weight_metric. It returns the weight's name and, for a metric,
// its values scaled to 0-1 in the order of the model's LSOAs.
func (p *Planner) metricWeight(ctx context.Context, em *edModel, req SuggestRequest) (string, []float64, error) {
	weight := req.Weight
	if req.WeightMetric != "" {
		if weight != "" && weight != engine.WeightMetricPrefix+req.WeightMetric {
			return "", nil, spatlas.Errorf(spatlas.EINVALID, "weight %q and weight_metric %q: give one", weight, req.WeightMetric)
		}
		weight = engine.WeightMetricPrefix + req.WeightMetric
	}
	name, ok := strings.CutPrefix(weight, engine.WeightMetricPrefix)
	if !ok {
		return weight, nil, nil
	}
	metrics := weightMetrics(em.build.Categories)
	col, ok := metrics[name]
	if !ok {
		names := make([]string, 0, len(metrics))
		for n := range metrics {
			names = append(names, n)
		}
		slices.Sort(names)
		return "", nil, spatlas.Errorf(spatlas.EINVALID, "weight metric %q: not a numeric LSOA metric; want one of %s", name, textio.QuoteList(names, len(names)))
	}
	values, err := p.store.LSOAMetric(ctx, req.Edition, name)
	if err != nil {
		return "", nil, err
	}
	lsoas := em.model.Input().LSOAs
	raw := make([]float64, len(lsoas))
	for k, l := range lsoas {
		if v, ok := values[l.Code]; ok {
			raw[k] = v
		} else {
			raw[k] = math.NaN()
		}
	}
	return weight, ScaleWeights(raw, HigherIsBetter(col)), nil
}
