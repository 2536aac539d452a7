package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/stats"
)

// analysisRoutes mounts the endpoints for commissioners, researchers and planners under /api.
func analysisRoutes(r chi.Router, svc spatlas.AnalysisService, logger *slog.Logger) {
	r.Method(http.MethodGet, "/areas/{code}", handleAreaProfile(svc, logger))
	r.Method(http.MethodGet, "/underserved", handleUnderserved(svc, logger))
	r.Method(http.MethodGet, "/inequality", handleInequality(svc, logger))
	r.Method(http.MethodGet, "/download/{edition}/{file}", handleDownload(svc, logger))
	r.Method(http.MethodGet, "/dictionary", handleDictionary(svc, logger))
	r.Method(http.MethodGet, "/datasets", handleDatasets(svc, logger))
}

// editionParam returns the edition named by ?edition=, by default the newest.
func editionParam(q map[string][]string) (string, error) {
	eds := spatlas.Editions()
	v := ""
	if x, ok := q["edition"]; ok {
		v = x[0]
	}
	if v == "" {
		return eds[len(eds)-1].ID, nil
	}
	ed, err := spatlas.EditionByID(v)
	return ed.ID, err
}

// buildOf returns the edition's build, or nil when it has none.
func buildOf(r *http.Request, svc spatlas.AnalysisService, edition string) (*spatlas.Build, error) {
	b, err := svc.BuildInfo(r.Context(), edition)
	if spatlas.ErrorCode(err) == spatlas.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func requireBuild(r *http.Request, svc spatlas.AnalysisService, edition string) (*spatlas.Build, error) {
	b, err := buildOf(r, svc, edition)
	if err == nil && b == nil {
		err = spatlas.Errorf(spatlas.ENOTFOUND, "edition %s has no metrics yet: run spatlas build", edition)
	}
	return b, err
}

// handleAreaProfile serves an area's profile: its need, provision and gap, where it stands in
// England and in its LAD and ICB beside their values, and the nearest provision.
func handleAreaProfile(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseOnly(r.URL.RawQuery, "edition", "f")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		ed, err := editionParam(q)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		code := chi.URLParam(r, "code")
		if !validText(code) || len(code) > 32 {
			writeError(w, r, logger, spatlas.Errorf(spatlas.ENOTFOUND, "no area %q in %s", code, ed))
			return
		}
		p, err := svc.AreaProfile(r.Context(), ed, code)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, p)
	})
}

// handleUnderserved ranks the underserved LSOAs of an area. The thresholds default to the
// build's and are echoed.
func handleUnderserved(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseOnly(r.URL.RawQuery, "edition", "area", "limit", "max_decile", "max_provision_pct", "f")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		ed, err := editionParam(q)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		b, err := requireBuild(r, svc, ed)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		uq := spatlas.UnderservedQuery{Edition: ed, Area: q.Get("area"), Limit: 100,
			MaxDecile: b.Params.UnderservedDecile, MaxPct: b.Params.UnderservedPct}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID, "limit=%q: want a whole number from 1 to 10000", v))
				return
			}
			uq.Limit = n
		}
		if v := q.Get("max_decile"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10 {
				writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID, "max_decile=%q: want a whole number from 1 to 10", v))
				return
			}
			uq.MaxDecile = n
		}
		if v := q.Get("max_provision_pct"); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || !(x >= 0 && x <= 1) {
				writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID, "max_provision_pct=%q: want a number from 0 to 1", v))
				return
			}
			uq.MaxPct = x
		}
		res, err := svc.Underserved(r.Context(), uq)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		params := b.Params
		params.UnderservedDecile, params.UnderservedPct = uq.MaxDecile, uq.MaxPct
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, struct {
			Edition string              `json:"edition"`
			Params  spatlas.BuildParams `json:"params"`
			BuiltAt time.Time           `json:"built_at"`
			spatlas.UnderservedResult
		}{ed, params, b.BuiltAt, res})
	})
}

// num is a float that is null in JSON when it is not a number.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', 8, 64)), nil
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
	Notes         []string             `json:"notes"`
}

// handleInequality serves how a metric is distributed across the deprivation gradient in an
// area: means by decile, quintile ratio and difference, SII and RII with confidence intervals,
// and the concentration index. format=csv gives the same as a tidy table.
func handleInequality(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseOnly(r.URL.RawQuery, "edition", "metric", "area", "format", "f")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		ed, err := editionParam(q)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		format := q.Get("format")
		if format != "" && format != "json" && format != "csv" {
			writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID, "format=%q: want json or csv", format))
			return
		}
		b, err := buildOf(r, svc, ed)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		var cats []string
		if b != nil {
			cats = b.Categories
		}
		metric := q.Get("metric")
		if metric == "" {
			metric = "lw_fte_per_10k"
		}
		if !spatlas.InequalityMetric(metric, cats) {
			writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID,
				"metric=%q: want a numeric LSOA metric of /api/dictionary, e.g. lw_fte_per_10k, assets_access_per_1k, assets_per_1k, imd_score", metric))
			return
		}
		ref, rows, err := svc.InequalityRows(r.Context(), ed, metric, q.Get("area"))
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		obs := make([]stats.Obs, len(rows))
		for i, x := range rows {
			obs[i] = stats.Obs{Value: x.Value, Pop: x.Population, Rank: x.Rank, Decile: x.Decile}
		}
		res, err := stats.Compute(obs, stats.Options{})
		if errors.Is(err, stats.ErrNoData) {
			writeError(w, r, logger, spatlas.Errorf(spatlas.ENOTFOUND, "%s has no LSOA with a value of %s in %s", ref.Code, metric, ed))
			return
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		out := inequalityJSON{
			Edition: ed, Metric: metric, Area: ref, LSOAs: res.N, Population: num(res.Pop),
			Q1Mean: num(res.Q1Mean), Q5Mean: num(res.Q5Mean), QuintileRatio: num(res.QuintileRatio), QuintileDiff: num(res.QuintileDiff),
			SII:        estimate{num(res.SII), num(res.SIICI.Lower), num(res.SIICI.Upper)},
			RII:        estimate{num(res.RII), num(res.RIICI.Lower), num(res.RIICI.Upper)},
			CI:         estimate{num(res.CI), num(res.CICI.Lower), num(res.CICI.Upper)},
			Confidence: res.Confidence, Reps: res.Reps,
			Notes: []string{
				"deciles are national IMD deciles of the edition, 1 = most deprived; means are population-weighted",
				"SII and RII as PHE's phe_sii: positive SII = the metric rises towards the least deprived; RII = least / most deprived end of the fitted line",
				"concentration index by population-weighted fractional rank from most to least deprived: negative = concentrated among the more deprived",
			},
		}
		if b != nil {
			out.Params, out.BuiltAt = &b.Params, &b.BuiltAt
		}
		for _, g := range res.Deciles {
			out.Deciles = append(out.Deciles, decileJSON{g.Decile, g.N, num(g.Pop), num(g.Mean), num(g.SE)})
		}
		w.Header().Set("Cache-Control", "no-cache")
		if format == "csv" {
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="inequality-%s-%s-%s.csv"`, ed, metric, ref.Code))
			writeBytes(w, http.StatusOK, "text/csv; charset=utf-8", inequalityCSV(out))
			return
		}
		writeJSONStatus(w, http.StatusOK, out)
	})
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

// handleDownload streams every area of a level with every metric as a column, as CSV or
// GeoJSON; the edition, build time and parameters come in headers and, in GeoJSON, in the
// collection's top-level properties.
func handleDownload(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseOnly(r.URL.RawQuery, "area")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		ed, err := spatlas.EditionByID(chi.URLParam(r, "edition"))
		if err != nil {
			writeError(w, r, logger, spatlas.Errorf(spatlas.ENOTFOUND, "%s", spatlas.ErrorMessage(err)))
			return
		}
		file := chi.URLParam(r, "file")
		level, format, _ := strings.Cut(file, ".")
		if !slices.Contains(spatlas.Levels(), level) || (format != "csv" && format != "geojson") {
			writeError(w, r, logger, spatlas.Errorf(spatlas.ENOTFOUND, "no download %q: want {level}.csv or {level}.geojson, level one of %s", file, strings.Join(spatlas.Levels(), ", ")))
			return
		}
		area := q.Get("area")
		if !validText(area) || len(area) > 32 {
			writeError(w, r, logger, spatlas.Errorf(spatlas.EINVALID, "area=%q is not an area code", area))
			return
		}
		b, err := buildOf(r, svc, ed.ID)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		h := w.Header()
		h.Set("Spatlas-Edition", ed.ID)
		if b != nil {
			params, _ := json.Marshal(b.Params)
			h.Set("Spatlas-Built-At", b.BuiltAt.UTC().Format(time.RFC3339))
			h.Set("Spatlas-Build-Params", string(params))
		}
		name := ed.ID + "-" + level
		if area != "" {
			name += "-" + area
		}
		if format == "csv" {
			h.Set("Content-Type", "text/csv; charset=utf-8")
		} else {
			h.Set("Content-Type", "application/geo+json")
		}
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
		h.Set("Cache-Control", "no-cache")
		if err := svc.Download(r.Context(), spatlas.DownloadQuery{Edition: ed.ID, Level: level, Area: area, Format: format, Build: b}, w); err != nil {
			// Nothing written yet is the common case (an unknown area, a database error before
			// the first row): the error goes out as JSON, not as the file.
			h.Del("Content-Disposition")
			writeError(w, r, logger, err)
		}
	})
}

// handleDictionary serves the definition, unit, sources and METHODS.md section of every column.
func handleDictionary(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			writeError(w, r, logger, err)
			return
		}
		bs, err := svc.Builds(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		var cats []string
		for _, b := range bs {
			if len(b.Categories) > len(cats) {
				cats = b.Categories
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, map[string]any{
			"methods": "METHODS.md of spatlas: every figure is defined there, by section",
			"sources": map[string]string{
				spatlas.SourceDeprivation: "the edition's deprivation files (see /api/datasets, kind edition)",
				spatlas.SourceBoundaries:  "the edition's LSOA boundaries and population-weighted centroids",
				spatlas.SourcePopulation:  "the edition's population denominators",
				spatlas.SourceLookups:     "ONS geography lookups (LSOA to MSOA, LAD, ICB, region)",
				spatlas.SourceAssets:      "community asset files (see /api/datasets, kind assets)",
				spatlas.SourceServices:    "link worker service files (see /api/datasets, kind services)",
			},
			"columns": spatlas.Dictionary(cats),
		})
	})
}

// handleDatasets lists the loaded datasets with their provenance and each edition's build.
func handleDatasets(svc spatlas.AnalysisService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			writeError(w, r, logger, err)
			return
		}
		ds, err := svc.Datasets(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		bs, err := svc.Builds(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		if ds == nil {
			ds = []spatlas.Dataset{}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, map[string]any{"datasets": ds, "builds": bs})
	})
}
