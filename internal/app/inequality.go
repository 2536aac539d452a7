package app

import (
	"context"
	"errors"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/stats"
)

// DefaultInequalityMetric is the metric of an inequality request that names none.
const DefaultInequalityMetric = "lw_fte_per_10k"

// Published precision of inequality figures (METHODS.md, "Inequality by deprivation"). The
// figures are computed from the published LSOA values, the values of the download, and carry
// no more precision than those: figures in the metric's unit at the metric's published decimals,
// ratios and indices at RatioDecimals. So they are reproduced exactly from the download.
const (
	// RatioDecimals is the decimals of the quintile ratio, the RII and the concentration index.
	RatioDecimals = 4
	// unroundedDecimals is the decimals, in the metric's unit, of a metric published without
	// rounding (whole counts, scores as their source gives them).
	unroundedDecimals = 4
)

// InequalityStore is what an inequality calculation needs of a store.
type InequalityStore interface {
	BuildReader
	InequalityRows(ctx context.Context, edition, metric, area string) (spatlas.AreaRef, []spatlas.InequalityRow, error)
}

// InequalityRequest asks how a metric is distributed across the deprivation gradient of an
// area. An empty Metric is DefaultInequalityMetric; an empty Area is England.
type InequalityRequest struct {
	Edition string
	Metric  string
	Area    string
}

// InequalityReport is the inequality of a metric in an area, its figures rounded to their
// published precision.
type InequalityReport struct {
	Edition string
	Metric  string
	Area    spatlas.AreaRef
	// Build is the edition's build, nil when it has none (deprivation metrics need none).
	Build *spatlas.Build
	// Decimals is the decimals of the figures in the metric's unit; ratios and indices have
	// RatioDecimals.
	Decimals int
	stats.Inequality
}

// Inequality computes the inequality of a metric by deprivation over an area's LSOAs: means by
// IMD decile, quintile ratio and difference, SII and RII with simulated intervals, and the
// concentration index. The metric must be a numeric LSOA metric of the edition's dictionary.
func Inequality(ctx context.Context, store InequalityStore, req InequalityRequest) (InequalityReport, error) {
	b, err := Build(ctx, store, req.Edition)
	if err != nil {
		return InequalityReport{}, err
	}
	var cats []string
	if b != nil {
		cats = b.Categories
	}
	metric := req.Metric
	if metric == "" {
		metric = DefaultInequalityMetric
	}
	if !spatlas.InequalityMetric(metric, cats) {
		return InequalityReport{}, spatlas.Errorf(spatlas.EINVALID,
			"metric=%q: want a numeric LSOA metric of /api/dictionary, e.g. lw_fte_per_10k, assets_access_per_1k, assets_per_1k, imd_score", metric)
	}
	ref, rows, err := store.InequalityRows(ctx, req.Edition, metric, req.Area)
	if err != nil {
		return InequalityReport{}, err
	}
	obs := make([]stats.Obs, len(rows))
	for i, x := range rows {
		obs[i] = stats.Obs{Value: x.Value, Pop: x.Population, Rank: x.Rank, Decile: x.Decile}
	}
	res, err := stats.Compute(obs, stats.Options{})
	if errors.Is(err, stats.ErrNoData) {
		return InequalityReport{}, spatlas.Errorf(spatlas.ENOTFOUND, "%s has no LSOA with a value of %s in %s", ref.Code, metric, req.Edition)
	}
	if err != nil {
		return InequalityReport{}, err
	}
	digits := metricDecimals(metric, cats)
	return InequalityReport{Edition: req.Edition, Metric: metric, Area: ref, Build: b,
		Decimals: digits, Inequality: publishInequality(res, digits)}, nil
}

// metricDecimals is the decimals inequality figures in a metric's unit are published at: the
// metric's own published decimals, or unroundedDecimals for a metric published unrounded.
func metricDecimals(metric string, categories []string) int {
	for _, c := range spatlas.Dictionary(categories) {
		if c.Name == metric && c.Digits >= 0 {
			return c.Digits
		}
	}
	return unroundedDecimals
}

// publishInequality rounds the figures of res to their published precision: those in the
// metric's unit (decile means and standard errors, quintile means and difference, the SII and
// its interval) to decimals, ratios and indices to RatioDecimals. Counts, populations, the
// confidence level and the number of simulations are exact and kept.
func publishInequality(res stats.Inequality, decimals int) stats.Inequality {
	unit := func(v float64) float64 { return spatlas.Round(v, decimals) }
	ratio := func(v float64) float64 { return spatlas.Round(v, RatioDecimals) }
	interval := func(in stats.Interval, round func(float64) float64) stats.Interval {
		return stats.Interval{Lower: round(in.Lower), Upper: round(in.Upper)}
	}
	out := res
	out.Deciles = make([]stats.Group, len(res.Deciles))
	for i, g := range res.Deciles {
		g.Mean, g.SE = unit(g.Mean), unit(g.SE)
		out.Deciles[i] = g
	}
	out.Q1Mean, out.Q5Mean, out.QuintileDiff = unit(res.Q1Mean), unit(res.Q5Mean), unit(res.QuintileDiff)
	out.SII, out.SIICI = unit(res.SII), interval(res.SIICI, unit)
	out.QuintileRatio = ratio(res.QuintileRatio)
	out.RII, out.RIICI = ratio(res.RII), interval(res.RIICI, ratio)
	out.CI, out.CICI = ratio(res.CI), interval(res.CICI, ratio)
	return out
}
