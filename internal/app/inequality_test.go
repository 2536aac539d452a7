package app

import (
	"context"
	"math"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/stats"
)

func TestMetricDecimals(t *testing.T) {
	tests := []struct {
		name, metric string
		want         int
	}{
		{"rate", "lw_fte_per_10k", 4},
		{"distance in metres", "nearest_asset_m", 0},
		{"mean of counts", "assets_within_1600m", 2},
		{"count published unrounded", "assets_n", unroundedDecimals},
		{"score as its source gives it", "imd_score", unroundedDecimals},
		{"unknown", "happiness", unroundedDecimals},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metricDecimals(tt.metric, nil); got != tt.want {
				t.Errorf("metricDecimals(%q) = %d, want %d", tt.metric, got, tt.want)
			}
		})
	}
}

func TestPublishInequality(t *testing.T) {
	nan := math.NaN()
	in := stats.Inequality{
		N: 3, Pop: 4500,
		Deciles:       []stats.Group{{Decile: 1, N: 2, Pop: 3000, Mean: 1.234567, SE: 0.0123456}, {Decile: 10, N: 1, Pop: 1500, Mean: 0.98765, SE: nan}},
		Q1Mean:        1.234567,
		Q5Mean:        0.98765,
		QuintileRatio: 1.2499564,
		QuintileDiff:  0.246917,
		SII:           -0.19767804, SIICI: stats.Interval{Lower: -0.2501449, Upper: -0.1500551},
		RII: 0.8361234, RIICI: stats.Interval{Lower: nan, Upper: nan},
		CI: -0.0123456, CICI: stats.Interval{Lower: -0.0200049, Upper: -0.00468},
		Confidence: 0.95, Reps: 10000,
	}
	tests := []struct {
		name     string
		decimals int
		check    func(t *testing.T, out stats.Inequality)
	}{
		{"four decimals", 4, func(t *testing.T, out stats.Inequality) {
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"decile 1 mean", out.Deciles[0].Mean, 1.2346},
				{"decile 1 se", out.Deciles[0].SE, 0.0123},
				{"decile 10 mean", out.Deciles[1].Mean, 0.9877},
				{"q1", out.Q1Mean, 1.2346},
				{"q5", out.Q5Mean, 0.9877},
				{"difference", out.QuintileDiff, 0.2469},
				{"ratio", out.QuintileRatio, 1.25},
				{"sii", out.SII, -0.1977},
				{"sii lower", out.SIICI.Lower, -0.2501},
				{"sii upper", out.SIICI.Upper, -0.1501},
				{"rii", out.RII, 0.8361},
				{"ci", out.CI, -0.0123},
				{"ci lower", out.CICI.Lower, -0.02},
				{"ci upper", out.CICI.Upper, -0.0047},
				{"population", out.Pop, 4500},
				{"decile population", out.Deciles[0].Pop, 3000},
				{"confidence", out.Confidence, 0.95},
			} {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if !math.IsNaN(out.Deciles[1].SE) || !math.IsNaN(out.RIICI.Lower) {
				t.Errorf("figures that are not numbers became %v, %v", out.Deciles[1].SE, out.RIICI.Lower)
			}
			if out.N != 3 || out.Reps != 10000 || out.Deciles[0].N != 2 {
				t.Errorf("counts changed: %d, %d, %d", out.N, out.Reps, out.Deciles[0].N)
			}
		}},
		{"whole metres; ratios keep four decimals", 0, func(t *testing.T, out stats.Inequality) {
			if out.Deciles[0].Mean != 1 || out.SII != -0 || out.QuintileDiff != 0 || out.RII != 0.8361 || out.CI != -0.0123 {
				t.Errorf("mean %v, SII %v, difference %v, RII %v, CI %v", out.Deciles[0].Mean, out.SII, out.QuintileDiff, out.RII, out.CI)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := in.Deciles[0].Mean
			tt.check(t, publishInequality(in, tt.decimals))
			if in.Deciles[0].Mean != before {
				t.Error("the input's deciles were modified")
			}
		})
	}
}

// inequalityStore serves fixed inequality rows and, optionally, a build.
type inequalityStore struct {
	build *spatlas.Build
	rows  []spatlas.InequalityRow
}

func (s inequalityStore) BuildInfo(context.Context, string) (spatlas.Build, error) {
	if s.build == nil {
		return spatlas.Build{}, spatlas.Errorf(spatlas.ENOTFOUND, "no build")
	}
	return *s.build, nil
}

func (s inequalityStore) InequalityRows(_ context.Context, _, _, area string) (spatlas.AreaRef, []spatlas.InequalityRow, error) {
	return spatlas.AreaRef{Code: area, Level: "lad"}, s.rows, nil
}

func TestInequality(t *testing.T) {
	var rows []spatlas.InequalityRow
	for i := range 40 {
		rows = append(rows, spatlas.InequalityRow{Value: 10 + float64(i%10)*0.3333 + float64(i)/7000, Population: 1500 + float64(i), Rank: i + 1, Decile: 1 + i/4})
	}
	store := inequalityStore{build: &spatlas.Build{Edition: "iod2025"}, rows: rows}
	tests := []struct {
		name  string
		store inequalityStore
		req   InequalityRequest
		code  string
	}{
		{"default metric", store, InequalityRequest{Edition: "iod2025", Area: "E06000001"}, ""},
		{"deprivation metric without a build", inequalityStore{rows: rows}, InequalityRequest{Edition: "iod2025", Metric: "imd_score"}, ""},
		{"not a metric", store, InequalityRequest{Edition: "iod2025", Metric: "lad_name"}, spatlas.EINVALID},
		{"no rows", inequalityStore{build: store.build}, InequalityRequest{Edition: "iod2025"}, spatlas.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Inequality(t.Context(), tt.store, tt.req)
			if got := spatlas.ErrorCode(err); got != tt.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, tt.code)
			}
			if err != nil {
				return
			}
			if rep.Metric == "" || len(rep.Deciles) != 10 || rep.Decimals != metricDecimals(rep.Metric, nil) {
				t.Errorf("metric %q, %d deciles, decimals %d", rep.Metric, len(rep.Deciles), rep.Decimals)
			}
			if (rep.Build != nil) != (tt.store.build != nil) {
				t.Errorf("build %v", rep.Build)
			}
			for _, g := range rep.Deciles {
				if g.Mean != spatlas.Round(g.Mean, rep.Decimals) {
					t.Errorf("decile %d mean %v is not rounded to %d decimals", g.Decile, g.Mean, rep.Decimals)
				}
			}
			if rep.SII != spatlas.Round(rep.SII, rep.Decimals) || rep.CI != spatlas.Round(rep.CI, RatioDecimals) {
				t.Errorf("SII %v, CI %v not rounded", rep.SII, rep.CI)
			}
		})
	}
}
