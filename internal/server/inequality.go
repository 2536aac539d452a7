package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// inequalityPrecisionNote says, in /api/dictionary and in every inequality response, at what
// precision inequality figures are published.
const inequalityPrecisionNote = "inequality figures are computed from the published LSOA values (those of /api/download) " +
	"and published at the precision those carry: figures in the metric's unit (decile means and standard errors, " +
	"quintile means and difference, SII and its interval) at the metric's published decimals (decimals; 4 for a metric published unrounded), " +
	"ratios and indices (quintile ratio, RII, concentration index and their intervals) at 4 decimals; " +
	"recomputed from the download and rounded so, they are reproduced exactly"

// num is a float that is null in JSON when it is not a number. Figures are rounded before they
// get here; they print in full, without an exponent.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	if f == 0 {
		f = 0 // no "-0" from rounding a small negative figure
	}
	return strconv.AppendFloat(nil, f, 'f', -1, 64), nil
}

type estimate struct {
	Value num `json:"value"`
	Lower num `json:"lower"`
	Upper num `json:"upper"`
}

type decileJSON struct {
	Decile     int `json:"decile"`
	LSOAs      int `json:"lsoas"`
	Population num `json:"population"`
	Mean       num `json:"mean"`
	SE         num `json:"se"`
}

// inequalityJSON is the response of /api/inequality (METHODS.md, "Inequality by deprivation").
type inequalityJSON struct {
	Edition       string               `json:"edition"`
	Metric        string               `json:"metric"`
	Area          spatlas.AreaRef      `json:"area"`
	Params        *spatlas.BuildParams `json:"params"`
	BuiltAt       *time.Time           `json:"built_at"`
	LSOAs         int                  `json:"lsoas"`
	Population    num                  `json:"population"`
	Deciles       []decileJSON         `json:"deciles"`
	Q1Mean        num                  `json:"most_deprived_quintile_mean"`
	Q5Mean        num                  `json:"least_deprived_quintile_mean"`
	QuintileRatio num                  `json:"quintile_ratio"`
	QuintileDiff  num                  `json:"quintile_difference"`
	SII           estimate             `json:"sii"`
	RII           estimate             `json:"rii"`
	CI            estimate             `json:"concentration_index"`
	Confidence    float64              `json:"confidence"`
	Reps          int                  `json:"simulations"`
	Decimals      int                  `json:"decimals"`
	RatioDecimals int                  `json:"ratio_decimals"`
	Notes         []string             `json:"notes"`
}

func toInequalityJSON(rep app.InequalityReport) inequalityJSON {
	res := rep.Inequality
	out := inequalityJSON{
		Edition: rep.Edition, Metric: rep.Metric, Area: rep.Area, LSOAs: res.N, Population: num(res.Pop),
		Q1Mean: num(res.Q1Mean), Q5Mean: num(res.Q5Mean), QuintileRatio: num(res.QuintileRatio), QuintileDiff: num(res.QuintileDiff),
		SII:        estimate{num(res.SII), num(res.SIICI.Lower), num(res.SIICI.Upper)},
		RII:        estimate{num(res.RII), num(res.RIICI.Lower), num(res.RIICI.Upper)},
		CI:         estimate{num(res.CI), num(res.CICI.Lower), num(res.CICI.Upper)},
		Confidence: res.Confidence, Reps: res.Reps,
		Decimals: rep.Decimals, RatioDecimals: app.RatioDecimals,
		Notes: []string{
			"deciles are national IMD deciles of the edition, 1 = most deprived; means are population-weighted",
			"SII and RII as PHE's phe_sii: positive SII = the metric rises towards the least deprived; RII = least / most deprived end of the fitted line",
			"concentration index by population-weighted fractional rank from most to least deprived: negative = concentrated among the more deprived",
			inequalityPrecisionNote,
		},
	}
	if b := rep.Build; b != nil {
		out.Params, out.BuiltAt = &b.Params, &b.BuiltAt
	}
	for _, g := range res.Deciles {
		out.Deciles = append(out.Deciles, decileJSON{g.Decile, g.N, num(g.Pop), num(g.Mean), num(g.SE)})
	}
	return out
}

// inequalityCSV is one row per figure: edition, metric, area, statistic, decile, value and its
// confidence limits, with the build parameters in the last column.
func inequalityCSV(o inequalityJSON) []byte {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	params := ""
	if o.Params != nil {
		b, _ := json.Marshal(o.Params)
		params = string(b)
	}
	f := func(n num) string {
		b, _ := n.MarshalJSON()
		if string(b) == "null" {
			return ""
		}
		return string(b)
	}
	row := func(stat, decile string, v, lo, hi num, lsoas int, pop num) {
		cw.Write([]string{o.Edition, o.Metric, o.Area.Code, o.Area.Name, stat, decile, f(v), f(lo), f(hi), strconv.Itoa(lsoas), f(pop), params})
	}
	cw.Write([]string{"edition", "metric", "area_code", "area_name", "statistic", "decile", "value", "lower", "upper", "lsoas", "population", "params"})
	nan := num(math.NaN())
	for _, d := range o.Deciles {
		row("mean", strconv.Itoa(d.Decile), d.Mean, nan, nan, d.LSOAs, d.Population)
	}
	row("most_deprived_quintile_mean", "1-2", o.Q1Mean, nan, nan, 0, nan)
	row("least_deprived_quintile_mean", "9-10", o.Q5Mean, nan, nan, 0, nan)
	row("quintile_ratio", "", o.QuintileRatio, nan, nan, 0, nan)
	row("quintile_difference", "", o.QuintileDiff, nan, nan, 0, nan)
	row("sii", "", o.SII.Value, o.SII.Lower, o.SII.Upper, o.LSOAs, o.Population)
	row("rii", "", o.RII.Value, o.RII.Lower, o.RII.Upper, o.LSOAs, o.Population)
	row("concentration_index", "", o.CI.Value, o.CI.Lower, o.CI.Upper, o.LSOAs, o.Population)
	cw.Flush()
	return buf.Bytes()
}
