package engine

import (
	"container/heap"
	"math"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Need weights of Suggest.
const (
	WeightNeed       = "need"       // the need percentile n_k (default)
	WeightPopulation = "population" // 1
	// WeightMetricPrefix starts a weight by an LSOA metric, "metric:<name>", whose values scaled
	// to 0-1 SuggestRequest.Scaled carries.
	WeightMetricPrefix = "metric:"
)

// Candidate is a place a site could go.
type Candidate struct {
	ID    string  `json:"id"`
	X     float64 `json:"-"`
	Y     float64 `json:"-"`
	Lon   float64 `json:"lon"`
	Lat   float64 `json:"lat"`
	Label string  `json:"label"`
	// LSOA is the code of the LSOA that holds it, which places it in an area; "" places it in
	// every area.
	LSOA string `json:"lsoa,omitempty"`
}

// SuggestRequest asks for sites: Count sites of Kind among Candidates (tie-broken by their
// order), covering LSOAs of Area (an LAD, ICB or region code; "" or England's code for all).
type SuggestRequest struct {
	Kind       Kind
	Count      int
	Area       string
	Candidates []Candidate
	// Weight is WeightNeed, WeightPopulation or WeightMetricPrefix and a metric's name.
	Weight string
	// Scaled is w_k of a metric weight, 0-1 in the order of the model's LSOAs (NaN: no value,
	// weight 0).
	Scaled []float64
	// Catchment is d0 in metres; 0 takes the model's for the kind.
	Catchment float64
}

// Pick is a chosen site with its marginal gain and the cumulative total.
type Pick struct {
	Candidate
	Index      int     `json:"-"`
	Gain       float64 `json:"gain"`
	Cumulative float64 `json:"cumulative"`
}

// England is the code of England, the area that holds every LSOA.
const England = "E92000001"

// Suggest chooses sites by greedy maximal covering (METHODS.md, "Siting") with lazy evaluation.
func (m *Model) Suggest(req SuggestRequest) ([]Pick, error) {
	d0 := req.Catchment
	if d0 == 0 {
		d0 = m.layers[req.Kind].d0
	}
	if d0 <= 0 || math.IsNaN(d0) || req.Count < 1 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "suggest: count %d and catchment %v must be positive", req.Count, d0)
	}
	w, err := m.weights(req.Weight, req.Area, req.Scaled)
	if err != nil {
		return nil, err
	}
	covered := m.covered(m.layers[req.Kind], d0)
	cover := make([][]int32, len(req.Candidates))
	q := &celf{}
	for c, cand := range req.Candidates {
		if !m.inArea(cand.LSOA, req.Area) {
			continue
		}
		m.lgrid.near(cand.X, cand.Y, d0, func(k int32) {
			p := &m.in.LSOAs[k]
			if w[k] > 0 && !covered[k] && dist(p.X, p.Y, cand.X, cand.Y) <= d0 {
				cover[c] = append(cover[c], k)
			}
		})
		q.items = append(q.items, celfItem{c: c, gain: gain(cover[c], w, covered), round: 1})
	}
	heap.Init(q)
	var picks []Pick
	var total float64
	for round := 1; len(picks) < req.Count && q.Len() > 0; {
		top := &q.items[0]
		if top.round != round {
			top.gain, top.round = gain(cover[top.c], w, covered), round
			heap.Fix(q, 0)
			continue
		}
		it := heap.Pop(q).(celfItem)
		if it.gain <= 0 {
			break
		}
		for _, k := range cover[it.c] {
			covered[k] = true
		}
		total += it.gain
		picks = append(picks, Pick{Candidate: req.Candidates[it.c], Index: it.c, Gain: it.gain, Cumulative: total})
		round++
	}
	return picks, nil
}

// weights returns each LSOA's P_k w_k, 0 outside the area or without a point.
func (m *Model) weights(weight, area string, scaled []float64) ([]float64, error) {
	if weight == "" {
		weight = WeightNeed
	}
	metric := strings.HasPrefix(weight, WeightMetricPrefix)
	switch {
	case metric && len(scaled) != len(m.in.LSOAs):
		return nil, spatlas.Errorf(spatlas.EINVALID, "suggest: weight %q: %d scaled values for %d LSOAs", weight, len(scaled), len(m.in.LSOAs))
	case !metric && weight != WeightNeed && weight != WeightPopulation:
		return nil, spatlas.Errorf(spatlas.EINVALID, "suggest: weight %q: want need, population or metric:<name>", weight)
	}
	w := make([]float64, len(m.in.LSOAs))
	any := false
	for k := range m.in.LSOAs {
		p := &m.in.LSOAs[k]
		if math.IsNaN(p.X) || !m.holds(area, p) {
			continue
		}
		any = true
		w[k] = p.Pop
		if metric {
			if s := scaled[k]; math.IsNaN(s) {
				w[k] = 0
			} else {
				w[k] *= s
			}
		} else if weight == WeightNeed {
			if math.IsNaN(m.need[k]) {
				w[k] = 0
			} else {
				w[k] *= m.need[k]
			}
		}
	}
	if !any {
		return nil, spatlas.Errorf(spatlas.EINVALID, "suggest: no LSOA of edition %s lies in area %q", m.in.Edition, area)
	}
	return w, nil
}

// holds says whether an area (LAD, ICB or region code; "" or England for all) holds an LSOA.
func (m *Model) holds(area string, p *LSOA) bool {
	return area == "" || area == England || p.LAD == area || p.ICB == area || p.Region == area
}

// inArea says whether a candidate in LSOA code lies in the area; one in an unknown LSOA lies
// in every area.
func (m *Model) inArea(code, area string) bool {
	i, ok := m.byCode[code]
	return !ok || m.holds(area, &m.in.LSOAs[i])
}

// covered says which LSOA points lie within d0 of a stored site of the layer.
func (m *Model) covered(l *layer, d0 float64) []bool {
	out := make([]bool, len(m.in.LSOAs))
	if d0 == l.d0 {
		for i, c := range l.cover {
			out[i] = c > 0
		}
		return out
	}
	for _, s := range l.sites {
		m.lgrid.near(s.X, s.Y, d0, func(k int32) {
			p := &m.in.LSOAs[k]
			if dist(p.X, p.Y, s.X, s.Y) <= d0 {
				out[k] = true
			}
		})
	}
	return out
}

// gain is the weight of the LSOAs of a candidate not yet covered.
func gain(cover []int32, w []float64, covered []bool) float64 {
	var g float64
	for _, k := range cover {
		if !covered[k] {
			g += w[k]
		}
	}
	return g
}

// celf is the lazy greedy's queue: largest gain first, ties to the lower candidate index.
type celf struct{ items []celfItem }

type celfItem struct {
	c     int
	gain  float64
	round int // the round (choices made + 1) for which gain was computed
}

func (q *celf) Len() int { return len(q.items) }
func (q *celf) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	return a.gain > b.gain || (a.gain == b.gain && a.c < b.c)
}
func (q *celf) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *celf) Push(x any)    { q.items = append(q.items, x.(celfItem)) }
func (q *celf) Pop() any {
	it := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return it
}
