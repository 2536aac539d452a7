package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// MaxSuggest is the most sites one suggestion may ask for.
const MaxSuggest = 100

// Candidate sets of a suggestion.
const (
	CandidatesPractices = "practices" // GP practices where link worker services are based
	CandidatesAssets    = "assets"    // community assets
	CandidatesLSOA      = "lsoa"      // LSOA points
)

// SuggestRequest asks for sites, as posted to /api/suggest. Candidates is one of the named
// sets, or a list of points [{lon, lat, label}].
type SuggestRequest struct {
	Edition    string          `json:"edition"`
	Kind       string          `json:"kind"`
	Count      int             `json:"count"`
	Area       string          `json:"area,omitempty"`
	Candidates json.RawMessage `json:"candidates"`
	// CandidatesCSV and CandidatesGeoJSON are a planner's uploaded list of candidate points, in
	// place of Candidates (see CSVCandidates and GeoJSONCandidates).
	CandidatesCSV     string          `json:"candidates_csv,omitempty"`
	CandidatesGeoJSON json.RawMessage `json:"candidates_geojson,omitempty"`
	// Weight is need (default), population or metric:<name>, an LSOA metric scaled to 0-1 (see
	// ScaleWeights); WeightMetric names the metric instead.
	Weight       string  `json:"weight,omitempty"`
	WeightMetric string  `json:"weight_metric,omitempty"`
	Catchment    float64 `json:"catchment_m,omitempty"`
	// FTE of each suggested link worker site (default 1), Category of each suggested asset.
	FTE      float64 `json:"fte,omitempty"`
	Category string  `json:"category,omitempty"`
}

// Suggestion is the chosen sites, in order, and the scenario opened with them.
type Suggestion struct {
	Edition    string        `json:"edition"`
	Kind       string        `json:"kind"`
	Area       string        `json:"area"`
	Weight     string        `json:"weight"`
	CatchmentM float64       `json:"catchment_m"`
	Candidates int           `json:"candidates"`
	Sites      []engine.Pick `json:"sites"`
	Scenario   string        `json:"scenario"`
}

// Suggest chooses sites by greedy maximal covering and opens them as a scenario.
func (p *Planner) Suggest(ctx context.Context, req SuggestRequest, client string) (*Suggestion, error) {
	if req.Kind == "" {
		req.Kind = engine.LinkWorker.String()
	}
	kind, err := engine.ParseKind(req.Kind)
	if err != nil {
		return nil, err
	}
	if req.Count < 1 || req.Count > MaxSuggest {
		return nil, spatlas.Errorf(spatlas.EINVALID, "count %d: from 1 to %d", req.Count, MaxSuggest)
	}
	em, err := p.model(ctx, req.Edition)
	if err != nil {
		return nil, err
	}
	cands, err := p.requestCandidates(ctx, em, req)
	if err != nil {
		return nil, err
	}
	weight, scaled, err := p.metricWeight(ctx, em, req)
	if err != nil {
		return nil, err
	}
	req.Weight = weight
	picks, err := em.model.Suggest(engine.SuggestRequest{Kind: kind, Count: req.Count, Area: req.Area,
		Candidates: cands, Weight: req.Weight, Scaled: scaled, Catchment: req.Catchment})
	if err != nil {
		return nil, err
	}
	if req.Weight == "" {
		req.Weight = engine.WeightNeed
	}
	if picks == nil {
		picks = []engine.Pick{} // "sites": [] when no candidate gains
	}
	out := &Suggestion{Edition: req.Edition, Kind: req.Kind, Area: req.Area, Weight: req.Weight,
		CatchmentM: req.Catchment, Candidates: len(cands), Sites: picks}
	if out.CatchmentM == 0 {
		out.CatchmentM = em.build.Params.AssetsCatchment
		if kind == engine.LinkWorker {
			out.CatchmentM = em.build.Params.LinkWorkerCatchment
		}
	}
	sc := ScenarioRequest{Edition: req.Edition}
	if req.Catchment != 0 {
		sc.Catchments = &Catchments{Assets: req.Catchment, LinkWorker: req.Catchment}
	}
	for _, pk := range picks {
		s := ScenarioSite{Lon: &pk.Lon, Lat: &pk.Lat, Kind: req.Kind, Label: pk.Label, Category: req.Category}
		if kind == engine.LinkWorker {
			fte := req.FTE
			if fte <= 0 {
				fte = 1
			}
			s.FTE, s.Category = &fte, ""
		}
		sc.Sites = append(sc.Sites, s)
	}
	s, err := p.CreateScenario(ctx, sc, client)
	if err != nil {
		return nil, err
	}
	out.Scenario = s.ID
	return out, nil
}

// pointIn is a candidate point of a list.
type pointIn struct {
	Lon   *float64 `json:"lon"`
	Lat   *float64 `json:"lat"`
	Label string   `json:"label"`
	// where names the point in errors (a CSV line, a GeoJSON feature); "" for candidates[i].
	where string
}

// requestCandidates reads a request's candidates: a named set, a list of points, or an uploaded
// CSV or GeoJSON list; at most one of them.
func (p *Planner) requestCandidates(ctx context.Context, em *edModel, req SuggestRequest) ([]engine.Candidate, error) {
	given := 0
	for _, ok := range []bool{len(req.Candidates) > 0, req.CandidatesCSV != "", len(req.CandidatesGeoJSON) > 0} {
		if ok {
			given++
		}
	}
	if given > 1 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "candidates: give one of candidates, candidates_csv and candidates_geojson")
	}
	var pts []pointIn
	var err error
	switch {
	case req.CandidatesCSV != "":
		pts, err = CSVCandidates(req.CandidatesCSV)
	case len(req.CandidatesGeoJSON) > 0:
		pts, err = GeoJSONCandidates(req.CandidatesGeoJSON)
	default:
		return p.candidates(ctx, em, req.Edition, req.Candidates)
	}
	if err != nil {
		return nil, err
	}
	return p.pointCandidates(ctx, req.Edition, pts)
}

// candidates reads a request's candidates: a named set, or a list of points.
func (p *Planner) candidates(ctx context.Context, em *edModel, edition string, raw json.RawMessage) ([]engine.Candidate, error) {
	var name string
	if len(raw) == 0 {
		name = CandidatesPractices
	} else if err := json.Unmarshal(raw, &name); err != nil {
		return p.listCandidates(ctx, edition, raw)
	}
	in := em.model.Input()
	var out []engine.Candidate
	switch name {
	case CandidatesPractices:
		out = PracticeCandidates(in.Services)
	case CandidatesAssets:
		for _, s := range in.Assets {
			out = append(out, engine.Candidate{ID: s.ID, X: s.X, Y: s.Y, Lon: s.Lon, Lat: s.Lat, Label: s.Label, LSOA: s.LSOA})
		}
	case CandidatesLSOA:
		for _, l := range in.LSOAs {
			out = append(out, engine.Candidate{ID: l.Code, X: l.X, Y: l.Y, Lon: l.Lon, Lat: l.Lat, Label: l.Code, LSOA: l.Code})
		}
	default:
		return nil, spatlas.Errorf(spatlas.EINVALID, "candidates %q: want practices, assets, lsoa or a list of points", name)
	}
	if len(out) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "candidates %q: none in edition %s", name, edition)
	}
	return out, nil
}

// PracticeCandidates are the GP practices link worker services are based at, one candidate each (at
// its first service's point), ordered by practice code.
func PracticeCandidates(services []engine.Site) []engine.Candidate {
	seen := map[string]bool{}
	var out []engine.Candidate
	for _, s := range services {
		if s.Practice == "" || seen[s.Practice] {
			continue
		}
		seen[s.Practice] = true
		out = append(out, engine.Candidate{ID: "practice:" + s.Practice, X: s.X, Y: s.Y, Lon: s.Lon, Lat: s.Lat, Label: s.Label, LSOA: s.LSOA})
	}
	slices.SortFunc(out, func(a, b engine.Candidate) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// listCandidates projects a planner's list of points; points outside England are refused.
func (p *Planner) listCandidates(ctx context.Context, edition string, raw json.RawMessage) ([]engine.Candidate, error) {
	var pts []pointIn
	if err := json.Unmarshal(raw, &pts); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "candidates: a set name or a list of {lon, lat, label}: %v", err)
	}
	return p.pointCandidates(ctx, edition, pts)
}

// pointCandidates projects a planner's points; points outside England are refused.
func (p *Planner) pointCandidates(ctx context.Context, edition string, pts []pointIn) ([]engine.Candidate, error) {
	if len(pts) == 0 || len(pts) > 10*MaxScenarioSites {
		return nil, spatlas.Errorf(spatlas.EINVALID, "candidates: %d points, want 1 to %d", len(pts), 10*MaxScenarioSites)
	}
	name := func(i int) string {
		if pts[i].where != "" {
			return pts[i].where
		}
		return fmt.Sprintf("candidates[%d]", i)
	}
	sites := make([]ScenarioSite, len(pts))
	for i, pt := range pts {
		sites[i] = ScenarioSite{Lon: pt.Lon, Lat: pt.Lat, Label: pt.Label, Kind: engine.LinkWorker.String()}
		one := 1.0
		sites[i].FTE = &one
		if err := validateSite(sites[i], nil); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s%s: %s", name(i), labelled(pt.Label), err)
		}
	}
	if err := p.project(ctx, edition, sites, name); err != nil {
		return nil, err
	}
	out := make([]engine.Candidate, len(sites))
	for i, s := range sites {
		out[i] = engine.Candidate{ID: "list:" + strconv.Itoa(i), X: s.X, Y: s.Y, Lon: *s.Lon, Lat: *s.Lat, Label: s.Label}
	}
	return out, nil
}

// String names a suggestion for logs.
func (s *Suggestion) String() string {
	return fmt.Sprintf("%d %s sites in %q", len(s.Sites), s.Kind, s.Area)
}
