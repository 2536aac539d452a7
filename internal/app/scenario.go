package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// Limits of a scenario.
const (
	MaxScenarioSites = 1000
	// englandTolerance is how far (metres) a site may lie from an LSOA of the edition, for
	// sites on the coast or a generalised boundary.
	englandTolerance = 1000
)

// ScenarioSite is a hypothetical site: a link worker base with an FTE, or an asset of a
// category. X and Y (British National Grid metres) are filled in when it is stored.
type ScenarioSite struct {
	Lon      *float64 `json:"lon"`
	Lat      *float64 `json:"lat"`
	Kind     string   `json:"kind"`
	FTE      *float64 `json:"fte,omitempty"`
	Category string   `json:"category,omitempty"`
	Label    string   `json:"label,omitempty"`
	X        float64  `json:"x,omitempty"`
	Y        float64  `json:"y,omitempty"`
}

// Catchments override the build's catchments, in metres.
type Catchments struct {
	Assets     float64 `json:"assets_m,omitempty"`
	LinkWorker float64 `json:"link_worker_m,omitempty"`
}

// ScenarioRequest is a what-if scenario as posted to /api/scenarios.
type ScenarioRequest struct {
	Edition    string         `json:"edition"`
	Sites      []ScenarioSite `json:"sites"`
	Remove     []string       `json:"remove,omitempty"`
	Catchments *Catchments    `json:"catchments,omitempty"`
	Weights    *[3]float64    `json:"weights,omitempty"`
	GapMetric  string         `json:"gap_metric,omitempty"`
}

// Scenario is a stored scenario with its answer.
type Scenario struct {
	ID        string              `json:"id"`
	Edition   string              `json:"edition"`
	CreatedAt time.Time           `json:"created_at"`
	ExpiresAt time.Time           `json:"expires_at"`
	Request   ScenarioRequest     `json:"request"`
	Params    spatlas.BuildParams `json:"params"`
	Summary   engine.Summary      `json:"summary"`
	outcome   *engine.Outcome
}

// Changed returns the LSOAs whose figures the scenario changed, percentile shifts included.
func (s *Scenario) Changed() []engine.LSOAChange { return s.outcome.Rows() }

// Reached returns the LSOAs whose accessibility, coverage or underserved flag the scenario
// changed: Changed without the LSOAs whose percentile alone moved.
func (s *Scenario) Reached() []engine.LSOAChange { return s.outcome.Changed }

// CreateScenario validates, answers and stores a scenario for a client (its address, kept
// hashed for the rate limit's records).
func (p *Planner) CreateScenario(ctx context.Context, req ScenarioRequest, client string) (*Scenario, error) {
	em, err := p.model(ctx, req.Edition)
	if err != nil {
		return nil, err
	}
	if err := validateSites(req.Sites, em.build.Categories); err != nil {
		return nil, err
	}
	if err := p.project(ctx, req.Edition, req.Sites, siteName); err != nil {
		return nil, err
	}
	s, err := answer(em, req)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	s.ID = hex.EncodeToString(id[:])
	if err := p.store.PutScenario(ctx, s.ID, req.Edition, b, client, p.Lifetime); err != nil {
		return nil, err
	}
	s.CreatedAt = time.Now().UTC().Truncate(time.Second)
	s.ExpiresAt = s.CreatedAt.Add(p.Lifetime)
	return s, nil
}

// GetScenario answers a stored scenario on the data as loaded now.
func (p *Planner) GetScenario(ctx context.Context, id string) (*Scenario, error) {
	if len(id) != 32 {
		return nil, spatlas.Errorf(spatlas.ENOTFOUND, "no scenario %q", id)
	}
	edition, b, created, expires, err := p.store.Scenario(ctx, id)
	if err != nil {
		return nil, err
	}
	var req ScenarioRequest
	if err := json.Unmarshal(b, &req); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", id, err)
	}
	em, err := p.model(ctx, edition)
	if err != nil {
		return nil, err
	}
	s, err := answer(em, req)
	if err != nil {
		return nil, err
	}
	s.ID, s.CreatedAt, s.ExpiresAt = id, created.UTC(), expires.UTC()
	return s, nil
}

// LSOAGeometries returns the polygons of LSOAs of an edition as GeoJSON geometries.
func (p *Planner) LSOAGeometries(ctx context.Context, edition string, codes []string) (map[string]json.RawMessage, error) {
	return p.store.LSOAGeometries(ctx, edition, codes)
}

// answer evaluates a validated, projected request on a model.
func answer(em *edModel, req ScenarioRequest) (*Scenario, error) {
	params, err := scenarioParams(em.build.Params, req)
	if err != nil {
		return nil, err
	}
	m, err := em.model.WithParams(params)
	if err != nil {
		return nil, err
	}
	ch := engine.Change{Remove: req.Remove}
	kinds := map[engine.Kind]bool{}
	for _, s := range req.Sites {
		k, _ := engine.ParseKind(s.Kind)
		kinds[k] = true
		supply := 1.0
		if k == engine.LinkWorker {
			supply = *s.FTE
		}
		ch.Add = append(ch.Add, engine.NewSite{Kind: k, Site: engine.Site{X: s.X, Y: s.Y, Lon: *s.Lon, Lat: *s.Lat,
			Supply: supply, Category: s.Category, Label: s.Label}})
	}
	for _, id := range req.Remove {
		switch {
		case len(id) > 8 && id[:8] == "service:":
			kinds[engine.LinkWorker] = true
		case len(id) > 6 && id[:6] == "asset:":
			kinds[engine.Asset] = true
		}
	}
	metric := req.GapMetric
	if metric == "" {
		metric = params.GapMetric
		if len(kinds) == 1 && kinds[engine.LinkWorker] {
			metric = "lw_fte_per_10k"
		} else if len(kinds) == 1 {
			metric = "assets_access_per_1k"
		}
	}
	o, err := m.Evaluate(ch, metric)
	if err != nil {
		return nil, err
	}
	return &Scenario{Edition: req.Edition, Request: req, Params: params, Summary: o.Summary, outcome: o}, nil
}

// scenarioParams are the build's parameters with the request's catchments and weights.
func scenarioParams(p spatlas.BuildParams, req ScenarioRequest) (spatlas.BuildParams, error) {
	if c := req.Catchments; c != nil {
		if c.Assets != 0 {
			p.AssetsCatchment = c.Assets
		}
		if c.LinkWorker != 0 {
			p.LinkWorkerCatchment = c.LinkWorker
		}
	}
	if req.Weights != nil {
		p.Weights = *req.Weights
	}
	if req.GapMetric != "" {
		if _, _, err := engine.MetricKind(req.GapMetric); err != nil {
			return p, err
		}
		p.GapMetric = req.GapMetric
	}
	return p, p.Validate()
}

// validateSites checks the sites of a request, naming the first bad one and why.
func validateSites(sites []ScenarioSite, categories []string) error {
	if len(sites) > MaxScenarioSites {
		return spatlas.Errorf(spatlas.EINVALID, "%d sites: at most %d", len(sites), MaxScenarioSites)
	}
	for i, s := range sites {
		if err := validateSite(s, categories); err != nil {
			return spatlas.Errorf(spatlas.EINVALID, "sites[%d]%s: %s", i, labelled(s.Label), err)
		}
	}
	return nil
}

// siteName names the site i of a scenario in errors.
func siteName(i int) string { return fmt.Sprintf("sites[%d]", i) }

func labelled(label string) string {
	if label == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", label)
}

func validateSite(s ScenarioSite, categories []string) error {
	switch {
	case s.Lon == nil || s.Lat == nil:
		return fmt.Errorf("lon and lat are required")
	case !(*s.Lat >= -90 && *s.Lat <= 90):
		return fmt.Errorf("lat %v out of range", *s.Lat)
	case !(*s.Lon >= -180 && *s.Lon <= 180):
		return fmt.Errorf("lon %v out of range", *s.Lon)
	}
	k, err := engine.ParseKind(s.Kind)
	if err != nil {
		return err
	}
	if k == engine.LinkWorker {
		if s.FTE == nil || !(*s.FTE > 0) || math.IsInf(*s.FTE, 0) {
			return fmt.Errorf("a link_worker site needs an fte above 0")
		}
		return nil
	}
	if !slices.Contains(categories, s.Category) {
		return fmt.Errorf("unknown category %q", s.Category)
	}
	return nil
}

// project fills in the sites' British National Grid coordinates, refusing those outside the
// edition's England.
func (p *Planner) project(ctx context.Context, edition string, sites []ScenarioSite, name func(i int) string) error {
	if len(sites) == 0 {
		return nil
	}
	lon, lat := make([]float64, len(sites)), make([]float64, len(sites))
	for i, s := range sites {
		lon[i], lat[i] = *s.Lon, *s.Lat
	}
	xs, ys, inside, err := p.store.Project(ctx, edition, lon, lat, englandTolerance)
	if err != nil {
		return err
	}
	for i := range sites {
		if !inside[i] {
			return spatlas.Errorf(spatlas.EINVALID, "%s%s: (%v, %v) lies outside England", name(i), labelled(sites[i].Label), lon[i], lat[i])
		}
		sites[i].X, sites[i].Y = xs[i], ys[i]
	}
	return nil
}
