package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// planStore is an in-memory app.PlanStore: three LSOAs on a line near Leeds, one link worker
// service, one asset category; link worker catchment 3 km. "England" is the box lon -6..2, lat 49.8..56; lon/lat project to
// metres as (lon + 2) x 100,000 and (lat - 53) x 100,000.
type planStore struct {
	mu        sync.Mutex
	scenarios map[string][]byte
}

func newPlanStore() *planStore { return &planStore{scenarios: map[string][]byte{}} }

func (s *planStore) Generation(context.Context) (int64, error) { return 1, nil }

func (s *planStore) BuildInfo(_ context.Context, edition string) (spatlas.Build, error) {
	if edition != "iod2025" {
		return spatlas.Build{}, spatlas.Errorf(spatlas.ENOTFOUND, "no edition %q", edition)
	}
	p := spatlas.DefaultBuildParams()
	p.LinkWorkerCatchment = 3000
	return spatlas.Build{Edition: edition, Params: p, Categories: []string{"food"}}, nil
}

func (s *planStore) ModelInput(_ context.Context, edition string, p spatlas.BuildParams) (*engine.Input, error) {
	return &engine.Input{Edition: edition, Count: 3, Params: p, LSOAs: []engine.LSOA{
		{Code: "E01000001", X: 0, Y: 0, Pop: 1000, Rank: 1, Decile: 1, LAD: "E08000035"},
		{Code: "E01000002", X: 1000, Y: 0, Pop: 2000, Rank: 2, Decile: 2, LAD: "E08000035"},
		{Code: "E01000003", X: 4000, Y: 0, Pop: 3000, Rank: 3, Decile: 3, LAD: "E08000036"},
	}, Services: []engine.Site{{ID: "service:1", Supply: 1, Practice: "B86001", LSOA: "E01000001"}},
		Assets: []engine.Site{{ID: "asset:7", X: 4000, Supply: 1, Category: "food", LSOA: "E01000003"}}}, nil
}

func (s *planStore) Project(_ context.Context, _ string, lon, lat []float64, _ float64) (xs, ys []float64, inside []bool, err error) {
	for i := range lon {
		xs, ys = append(xs, (lon[i]+2)*1e5), append(ys, (lat[i]-53)*1e5)
		inside = append(inside, lon[i] >= -6 && lon[i] <= 2 && lat[i] >= 49.8 && lat[i] <= 56)
	}
	return xs, ys, inside, nil
}

func (s *planStore) PutScenario(_ context.Context, id, _ string, request []byte, _ string, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scenarios[id] = request
	return nil
}

func (s *planStore) Scenario(_ context.Context, id string) (string, []byte, time.Time, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.scenarios[id]
	if !ok {
		return "", nil, time.Time{}, time.Time{}, spatlas.Errorf(spatlas.ENOTFOUND, "no scenario %q", id)
	}
	return "iod2025", b, time.Now(), time.Now().Add(time.Hour), nil
}

// LSOAMetric gives every metric the values 10, 50 and 40 in the order of the fake LSOAs.
func (s *planStore) LSOAMetric(context.Context, string, string) (map[string]float64, error) {
	return map[string]float64{"E01000001": 10, "E01000002": 50, "E01000003": 40}, nil
}

func (s *planStore) LSOAGeometries(_ context.Context, _ string, codes []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, c := range codes {
		out[c] = json.RawMessage(`{"type":"Point","coordinates":[-2,53]}`)
	}
	return out, nil
}

func newPlanServer(readOnly bool, rate int) http.Handler {
	return New(Config{Planner: app.NewPlanner(newPlanStore(), 0), ReadOnly: readOnly, ScenarioRate: rate})
}

func post(t *testing.T, h http.Handler, path, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// site is a link worker site in JSON near the fake store's LSOAs.
const site = `{"lon": -1.96, "lat": 53, "kind": "link_worker", "fte": 2, "label": "new base"}`

func TestScenarioBadInput(t *testing.T) {
	many := strings.Repeat(site+",", 1000) + site
	big := `{"edition": "iod2025", "sites": [], "pad": "` + strings.Repeat("x", 1<<20) + `"}`
	for _, tt := range []struct {
		name, contentType, body, want string
	}{
		{"outside England", mediaJSON, `{"edition":"iod2025","sites":[{"lon":10,"lat":10,"kind":"asset","category":"food","label":"Lagos"}]}`, `sites[0] ("Lagos"): (10, 10) lies outside England`},
		{"lat 100", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":100,"kind":"link_worker","fte":1}]}`, "sites[0]: lat 100 out of range"},
		{"fte 0", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker","fte":0,"label":"x"}]}`, `sites[0] ("x"): a link_worker site needs an fte above 0`},
		{"fte negative", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker","fte":-1}]}`, "needs an fte above 0"},
		{"fte missing", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker"}]}`, "needs an fte above 0"},
		{"fte NaN", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker","fte":NaN}]}`, "malformed JSON"},
		{"fte NaN as text", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker","fte":1},{"lon":-1,"lat":53,"kind":"link_worker","fte":"NaN","label":"x"}]}`, `sites[1] ("x"): fte is a JSON string, want a float64`},
		{"fte an object", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"link_worker","fte":{}}]}`, `sites[0]: fte is a JSON object`},
		{"1,001 sites", mediaJSON, `{"edition":"iod2025","sites":[` + many + `]}`, "1001 sites: at most 1000"},
		{"unknown category", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"asset","category":"casino"}]}`, `sites[0]: unknown category "casino"`},
		{"unknown kind", mediaJSON, `{"edition":"iod2025","sites":[{"lon":-1,"lat":53,"kind":"shop"}]}`, `sites[0]: kind "shop"`},
		{"unknown id to remove", mediaJSON, `{"edition":"iod2025","sites":[],"remove":["service:99"]}`, `remove: no site "service:99"`},
		{"malformed JSON", mediaJSON, `{"edition":`, "malformed JSON"},
		{"unknown field", mediaJSON, `{"edition":"iod2025","colour":"red"}`, "malformed JSON"},
		{"wrong content type", "text/plain", `{"edition":"iod2025"}`, "content type"},
		{"oversized body", mediaJSON, big, "request body over 1048576 bytes"},
		{"no edition", mediaJSON, `{"sites":[]}`, "edition is required"},
		{"bad gap metric", mediaJSON, `{"edition":"iod2025","gap_metric":"assets_per_1k"}`, "gap metric"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(t, newPlanServer(false, 0), "/api/scenarios", tt.contentType, tt.body)
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("status %d, body %q: %v", rec.Code, rec.Body.String(), err)
			}
			if rec.Code != http.StatusBadRequest || body.Code != spatlas.EINVALID || !strings.Contains(body.Message, tt.want) {
				t.Errorf("status %d %+v, want 400 naming %q", rec.Code, body, tt.want)
			}
		})
	}
}

func TestScenarioCreateAndRead(t *testing.T) {
	h := newPlanServer(false, 0)
	rec := post(t, h, "/api/scenarios", "application/json; charset=utf-8", `{"edition":"iod2025","sites":[`+site+`]}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var created struct {
		ID      string         `json:"id"`
		Summary engine.Summary `json:"summary"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	if len(created.ID) != 32 || rec.Header().Get("Location") != "/api/scenarios/"+created.ID {
		t.Errorf("id %q, Location %q", created.ID, rec.Header().Get("Location"))
	}
	// The site at x = 4,000 m reaches E01000003 (3,000 people, decile 3) for the first time.
	if s := created.Summary; s.Metric != "lw_fte_per_10k" || s.NewlyReached != 3000 || s.FTEAdded != 2 || *s.NewlyReachedPerFTE != 1500 {
		t.Errorf("summary %+v", s)
	}
	rec = get(h, "/api/scenarios/"+created.ID)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"newly_reached":3000`) {
		t.Errorf("GET: %d %s", rec.Code, rec.Body)
	}
	rec = get(h, "/api/scenarios/"+created.ID+"/lsoa.csv")
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != http.StatusOK || !strings.HasPrefix(lines[0], "code,imd_decile,population,access_before") || len(lines) != 4 {
		t.Errorf("CSV: %d %q", rec.Code, lines)
	}
	if rec := get(h, "/api/scenarios/"+created.ID+"/lsoa.csv?percentile_shifts=false"); rec.Code != http.StatusOK {
		t.Errorf("CSV without shifts: %d", rec.Code)
	}
	if rec := get(h, "/api/scenarios/"+created.ID+"/lsoa.csv?percentile_shifts=maybe"); rec.Code != http.StatusBadRequest {
		t.Errorf("CSV with a bad parameter: %d", rec.Code)
	}
	rec = get(h, "/api/scenarios/"+created.ID+"/lsoa.geojson")
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || len(fc.Features) != 3 || fc.Features[2].Properties["covered_after"] != true {
		t.Errorf("GeoJSON: %v %s", err, rec.Body)
	}
}

func TestScenarioNotFound(t *testing.T) {
	h := newPlanServer(false, 0)
	for _, id := range []string{"0123456789abcdef0123456789abcdef", "nope"} {
		if rec := get(h, "/api/scenarios/"+id); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"not_found"`) {
			t.Errorf("%s: %d %s", id, rec.Code, rec.Body)
		}
	}
}

func TestScenarioReadOnly(t *testing.T) {
	h := newPlanServer(true, 0)
	for _, path := range []string{"/api/scenarios", "/api/suggest"} {
		rec := post(t, h, path, mediaJSON, `{"edition":"iod2025","sites":[]}`)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "read-only") {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

func TestScenarioRateLimit(t *testing.T) {
	h := newPlanServer(false, 3)
	codes := []int{}
	for range 4 {
		codes = append(codes, post(t, h, "/api/scenarios", mediaJSON, `{"edition":"iod2025","sites":[]}`).Code)
	}
	if fmt.Sprint(codes) != "[201 201 201 429]" {
		t.Errorf("codes %v, want three created then 429", codes)
	}
}

func TestSuggest(t *testing.T) {
	h := newPlanServer(false, 0)
	rec := post(t, h, "/api/suggest", mediaJSON, `{"edition":"iod2025","kind":"link_worker","count":3,"area":"E08000036",
		"candidates":[{"lon":-1.99,"lat":53,"label":"west"},{"lon":-1.96,"lat":53,"label":"east"}],"weight":"population"}`)
	var s app.Suggestion
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	// Only E01000003 (x = 4,000 m) lies in E08000036 and is not yet covered; "east" (x = 4,000)
	// reaches it, "west" (x = 1,000, 3,000 m away) too: the tie goes to the first candidate.
	if len(s.Sites) != 1 || s.Sites[0].Label != "west" || s.Sites[0].Gain != 3000 || len(s.Scenario) != 32 {
		t.Errorf("suggestion %+v", s)
	}
	if rec := get(h, "/api/scenarios/"+s.Scenario); rec.Code != http.StatusOK {
		t.Errorf("scenario of the suggestion: %d", rec.Code)
	}
	rec = post(t, h, "/api/suggest", mediaJSON, `{"edition":"iod2025","count":0}`)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("count 0: %d", rec.Code)
	}
	rec = post(t, h, "/api/suggest", mediaJSON, `{"edition":"iod2025","count":2,"candidates":"practices","area":"E99999999"}`)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "no LSOA") {
		t.Errorf("unknown area: %d %s", rec.Code, rec.Body)
	}
}

func TestSuggestUploadedCandidates(t *testing.T) {
	h := newPlanServer(false, 0)
	const ask = `{"edition":"iod2025","kind":"link_worker","count":3,"area":"E08000036","weight":"population",`
	for _, tt := range []struct {
		name, body string
		status     int
		want       string // the first site's label, or the error's text
	}{
		{"CSV", ask + `"candidates_csv":"label,lon,lat\nwest,-1.99,53\neast,-1.96,53\n"}`, http.StatusOK, "west"},
		{"GeoJSON", ask + `"candidates_geojson":{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.96,53]},"properties":{"label":"east"}}]}}`, http.StatusOK, "east"},
		{"CSV bad row", ask + `"candidates_csv":"lon,lat\n-1.99,53\n-1.96,x\n"}`, http.StatusBadRequest, `candidates_csv:3: column "lat": "x" is not a number`},
		{"CSV row outside range", ask + `"candidates_csv":"label,lon,lat\nwest,-1.99,53\nmoon,-1.96,95\n"}`, http.StatusBadRequest, `candidates_csv:3 ("moon"): lat 95 out of range`},
		{"CSV row outside England", ask + `"candidates_csv":"label,lon,lat\nwest,-1.99,53\nLagos,10,10\n"}`, http.StatusBadRequest, `candidates_csv:3 ("Lagos"): (10, 10) lies outside England`},
		{"GeoJSON bad feature", ask + `"candidates_geojson":{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]}}]}}`,
			http.StatusBadRequest, "candidates_geojson features[0]: want a Point geometry"},
		{"two lists", ask + `"candidates":"lsoa","candidates_csv":"lon,lat\n-1.99,53\n"}`, http.StatusBadRequest, "give one of candidates"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(t, h, "/api/suggest", mediaJSON, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.status != http.StatusOK {
				var body errorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.Contains(body.Message, tt.want) {
					t.Errorf("%s, want %q", rec.Body, tt.want)
				}
				return
			}
			var s app.Suggestion
			if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || len(s.Sites) == 0 || s.Sites[0].Label != tt.want {
				t.Errorf("suggestion %+v (%v), want the first site %q", s, err, tt.want)
			}
		})
	}
}

func TestSuggestMetricWeight(t *testing.T) {
	h := newPlanServer(false, 0)
	const ask = `{"edition":"iod2025","kind":"link_worker","count":1,"area":"E08000036","candidates":[{"lon":-1.96,"lat":53,"label":"east"}],`
	for _, tt := range []struct {
		name, body string
		status     int
		gain       float64 // of the site chosen
		want       string  // the weight reported, or the error's text
	}{
		// imd_score 10, 50, 40 scale to 0, 1, 0.75: E01000003 (3,000 people) weighs 2,250.
		{"metric by weight", ask + `"weight":"metric:imd_score"}`, http.StatusOK, 2250, "metric:imd_score"},
		{"metric by weight_metric", ask + `"weight_metric":"imd_score"}`, http.StatusOK, 2250, "metric:imd_score"},
		// A rank is higher where there is less need: 1 - 0.75.
		{"higher is better", ask + `"weight_metric":"imd_rank"}`, http.StatusOK, 750, "metric:imd_rank"},
		{"unknown metric", ask + `"weight":"metric:shoe_size"}`, http.StatusBadRequest, 0, `weight metric "shoe_size": not a numeric LSOA metric; want one of`},
		{"not numeric", ask + `"weight_metric":"lad_name"}`, http.StatusBadRequest, 0, `"imd_score"`},
		{"both", ask + `"weight":"population","weight_metric":"imd_score"}`, http.StatusBadRequest, 0, "give one"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(t, h, "/api/suggest", mediaJSON, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.status != http.StatusOK {
				var body errorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.Contains(body.Message, tt.want) {
					t.Errorf("%s, want %q", rec.Body, tt.want)
				}
				return
			}
			var s app.Suggestion
			if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || len(s.Sites) != 1 || math.Abs(s.Sites[0].Gain-tt.gain) > 1e-9 || s.Weight != tt.want {
				t.Errorf("suggestion %+v (%v), want one site of gain %v weighted by %s", s, err, tt.gain, tt.want)
			}
		})
	}
}
