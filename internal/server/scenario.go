package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// PlanService answers what-if scenarios and suggested sites (app.Planner).
type PlanService interface {
	CreateScenario(ctx context.Context, req app.ScenarioRequest, client string) (*app.Scenario, error)
	GetScenario(ctx context.Context, id string) (*app.Scenario, error)
	Suggest(ctx context.Context, req app.SuggestRequest, client string) (*app.Suggestion, error)
	LSOAGeometries(ctx context.Context, edition string, codes []string) (map[string]json.RawMessage, error)
}

// DefaultScenarioRate is how many scenarios or suggestions a client may create per minute.
const DefaultScenarioRate = 30

// maxPlanBody bounds the body of a scenario or suggestion request.
const maxPlanBody = 1 << 20

// planRoutes mounts the planning endpoints under /api. Creation is refused in read-only mode
// and limited per client.
func planRoutes(r chi.Router, svc PlanService, readOnly bool, perMinute int, h func(handlerFunc) http.Handler) {
	if perMinute <= 0 {
		perMinute = DefaultScenarioRate
	}
	// perMinute tokens a minute, as many at once.
	lim := newRateLimiter(float64(perMinute)/60, perMinute, time.Now)
	guard := func(next handlerFunc) http.Handler { return h(guardCreate(readOnly, lim, next)) }
	r.Method(http.MethodPost, "/scenarios", guard(handleCreateScenario(svc)))
	r.Method(http.MethodGet, "/scenarios/{id}", h(handleScenario(svc)))
	r.Method(http.MethodGet, "/scenarios/{id}/lsoa.csv", h(handleScenarioLSOAs(svc, false)))
	r.Method(http.MethodGet, "/scenarios/{id}/lsoa.geojson", h(handleScenarioLSOAs(svc, true)))
	r.Method(http.MethodPost, "/suggest", guard(handleSuggest(svc)))
}

// guardCreate answers 403 in read-only mode and 429 past the client's rate, before next.
func guardCreate(readOnly bool, lim *rateLimiter, next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if readOnly {
			writeErrorBody(w, http.StatusForbidden, "forbidden", "this server is read-only: scenarios cannot be created here")
			return nil
		}
		if ok, wait := lim.allow(clientIP(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeErrorBody(w, http.StatusTooManyRequests, "rate_limited", "too many scenarios created: try again later")
			return nil
		}
		return next(w, r)
	}
}

// decodeJSONBody reads a JSON request body of at most maxPlanBody bytes into v; every fault is
// a 400 saying what is wrong.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != mediaJSON {
		return spatlas.Errorf(spatlas.EINVALID, "content type %q: want %s", r.Header.Get("Content-Type"), mediaJSON)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPlanBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return spatlas.Errorf(spatlas.EINVALID, "request body over %d bytes", maxPlanBody)
	} else if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			if site := badSite(body, typeErr.Field); site != "" {
				return spatlas.Errorf(spatlas.EINVALID, "malformed JSON: %s: %s is a JSON %s, want a %v",
					site, strings.TrimPrefix(typeErr.Field, "sites."), typeErr.Value, typeErr.Type)
			}
		}
		return spatlas.Errorf(spatlas.EINVALID, "malformed JSON: %v", err)
	}
	if dec.More() {
		return spatlas.Errorf(spatlas.EINVALID, "malformed JSON: data after the object")
	}
	return nil
}

// badSite names the first site of a body whose field (as encoding/json names it, "sites.fte")
// does not hold a number, as sites[i] ("label"); "" when the field is not a site's or none is found.
func badSite(body []byte, field string) string {
	name, ok := strings.CutPrefix(field, "sites.")
	if !ok {
		return ""
	}
	var loose struct {
		Sites []map[string]json.RawMessage `json:"sites"`
	}
	if json.Unmarshal(body, &loose) != nil {
		return ""
	}
	for i, site := range loose.Sites {
		var f float64
		if raw, ok := site[name]; ok && json.Unmarshal(raw, &f) != nil {
			var label string
			_ = json.Unmarshal(site["label"], &label)
			if label != "" {
				return fmt.Sprintf("sites[%d] (%q)", i, label)
			}
			return fmt.Sprintf("sites[%d]", i)
		}
	}
	return ""
}

// scenarioBody is a scenario as served, with links to its LSOAs.
type scenarioBody struct {
	*app.Scenario
	Links map[string]string `json:"links"`
}

func scenarioJSON(s *app.Scenario) scenarioBody {
	base := "/api/scenarios/" + s.ID
	return scenarioBody{Scenario: s, Links: map[string]string{
		"self": base, "lsoa_csv": base + "/lsoa.csv", "lsoa_geojson": base + "/lsoa.geojson", "map": "/#scenario=" + s.ID}}
}

// handleCreateScenario stores a what-if scenario and answers 201 with its summary.
func handleCreateScenario(svc PlanService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req app.ScenarioRequest
		if err := decodeJSONBody(w, r, &req); err != nil {
			return err
		}
		s, err := svc.CreateScenario(r.Context(), req, clientIP(r))
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/scenarios/"+s.ID)
		w.Header().Set("Cache-Control", "no-store")
		writeJSONStatus(w, http.StatusCreated, scenarioJSON(s))
		return nil
	}
}

// handleScenario serves a scenario's summary, answered on the data as loaded now.
func handleScenario(svc PlanService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := svc.GetScenario(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, scenarioJSON(s))
		return nil
	}
}

// handleSuggest chooses sites and opens them as a scenario.
func handleSuggest(svc PlanService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req app.SuggestRequest
		if err := decodeJSONBody(w, r, &req); err != nil {
			return err
		}
		s, err := svc.Suggest(r.Context(), req, clientIP(r))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSONStatus(w, http.StatusOK, s)
		return nil
	}
}

// lsoaColumns are the columns of a scenario's LSOA table.
func lsoaColumns() []string {
	return []string{"code", "imd_decile", "population", "access_before", "access_after",
		"provision_pct_before", "provision_pct_after", "gap_before", "gap_after",
		"underserved_before", "underserved_after", "covered_before", "covered_after"}
}

// lsoaRecord is an LSOA's row of the table: numbers as Go formats them, unknowns empty.
func lsoaRecord(c engine.LSOAChange) []string {
	num := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	flag := func(b *bool) string {
		if b == nil {
			return ""
		}
		return strconv.FormatBool(*b)
	}
	return []string{c.Code, strconv.Itoa(c.Decile), num(c.Pop), num(c.AccessBefore), num(c.AccessAfter),
		num(c.PctBefore), num(c.PctAfter), num(c.GapBefore), num(c.GapAfter),
		flag(c.UnderservedBefore), flag(c.UnderservedAfter),
		strconv.FormatBool(c.CoveredBefore), strconv.FormatBool(c.CoveredAfter)}
}

// handleScenarioLSOAs serves the LSOAs a scenario changed, before and after, as CSV or as
// GeoJSON with their polygons; percentile_shifts=false leaves out those whose percentile (and
// gap) alone moved.
func handleScenarioLSOAs(svc PlanService, geo bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := svc.GetScenario(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		changed := s.Changed()
		switch v := r.URL.Query().Get("percentile_shifts"); v {
		case "", "true":
		case "false":
			changed = s.Reached()
		default:
			return spatlas.Errorf(spatlas.EINVALID, "percentile_shifts=%q: want true or false", v)
		}
		name := fmt.Sprintf("scenario-%s-lsoa", s.ID)
		w.Header().Set("Cache-Control", "no-cache")
		if !geo {
			var buf bytes.Buffer
			cw := csv.NewWriter(&buf)
			_ = cw.Write(lsoaColumns())
			for _, c := range changed {
				_ = cw.Write(lsoaRecord(c))
			}
			cw.Flush()
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			writeBytes(w, http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
			return nil
		}
		codes := make([]string, len(changed))
		for i, c := range changed {
			codes[i] = c.Code
		}
		geoms, err := svc.LSOAGeometries(r.Context(), s.Edition, codes)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
		writeBodyStatus(w, http.StatusOK, mediaGeoJSON, lsoaFeatures(changed, geoms))
		return nil
	}
}

// lsoaFeatures is the changed LSOAs as a GeoJSON feature collection.
func lsoaFeatures(changed []engine.LSOAChange, geoms map[string]json.RawMessage) map[string]any {
	features := make([]map[string]any, 0, len(changed))
	for _, c := range changed {
		rec := lsoaRecord(c)
		props := make(map[string]any, len(rec))
		for i, col := range lsoaColumns() {
			props[col] = typed(rec[i])
		}
		g := geoms[c.Code]
		if g == nil {
			g = json.RawMessage("null")
		}
		features = append(features, map[string]any{"type": "Feature", "id": c.Code, "geometry": g, "properties": props})
	}
	return map[string]any{"type": "FeatureCollection", "features": features}
}

// typed turns a table cell back into a JSON value: a number, a boolean, null or text.
func typed(s string) any {
	if s == "" {
		return nil
	}
	if b, err := strconv.ParseBool(s); err == nil {
		return b
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}
