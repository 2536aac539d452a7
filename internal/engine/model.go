package engine

import (
	"fmt"
	"math"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Kind is a kind of supply site.
type Kind int

// The kinds of site: community assets (supply 1 each) and link worker services (supply = FTE).
const (
	Asset Kind = iota
	LinkWorker
)

// String is the kind's name in the API: "asset" or "link_worker".
func (k Kind) String() string {
	if k == LinkWorker {
		return "link_worker"
	}
	return "asset"
}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "asset":
		return Asset, nil
	case "link_worker":
		return LinkWorker, nil
	}
	return 0, spatlas.Errorf(spatlas.EINVALID, "kind %q: want asset or link_worker", s)
}

// MetricKind returns the kind of site behind a gap metric the engine computes, and the factor
// that turns its per-person accessibility into the metric's unit.
func MetricKind(metric string) (Kind, float64, error) {
	switch metric {
	case "assets_access_per_1k":
		return Asset, 1000, nil
	case "lw_fte_per_10k":
		return LinkWorker, 10000, nil
	}
	return 0, 0, spatlas.Errorf(spatlas.EINVALID, "gap metric %q: the engine computes assets_access_per_1k and lw_fte_per_10k", metric)
}

// LSOA is one LSOA of an edition as the engine sees it.
type LSOA struct {
	Code string
	// X, Y are the LSOA point in British National Grid metres, Lon, Lat in WGS 84; NaN when
	// it has none.
	X, Y, Lon, Lat float64
	// Pop is the population (0 when unknown).
	Pop float64
	// Rank and Decile are the IMD rank and decile; 0 when unknown.
	Rank, Decile int
	// LAD, ICB and Region are the codes of the areas that hold it.
	LAD, ICB, Region string
}

// Site is one supply site.
type Site struct {
	// ID names the site: "asset:<id>" or "service:<id>" for stored ones.
	ID string
	// X, Y are in British National Grid metres, Lon, Lat in WGS 84.
	X, Y, Lon, Lat float64
	// Supply is 1 for an asset, the FTE for a link worker service.
	Supply float64
	// Category is an asset's category.
	Category string
	// LSOA is the code of the LSOA that holds the site in the edition's vintage, if known.
	LSOA  string
	Label string
	// Practice is the GP practice code of a link worker service based at a practice.
	Practice string
}

// Input is what a Model is built from: one edition as loaded and built.
type Input struct {
	Edition    string
	Generation int64
	// Count is the edition's LSOA count (the N of the need percentile).
	Count    int
	LSOAs    []LSOA
	Assets   []Site
	Services []Site
	Params   spatlas.BuildParams
}

// Model is an edition in memory with its baseline accessibility. It is read-only once built
// and safe for concurrent use.
type Model struct {
	in     *Input
	need   []float64
	lgrid  *grid
	layers [2]*layer
	byCode map[string]int32
}

// layer is the supply sites of one kind with their baseline.
type layer struct {
	kind   Kind
	d0     float64
	w      [3]float64
	sites  []Site
	byID   map[string]int32
	grid   *grid
	r      []float64 // R_j, NaN when no population is in reach
	access []float64 // A_i per person, NaN without a point
	keys   []float64 // rank keys of access
	sorted []float64 // the non-NaN keys, ascending
	cover  []int32   // sites within d0 of each LSOA point
	below  []int32   // values below each LSOA's key
	pct    []float64 // provision percentile, NaN without a point
	under  []flag    // underserved on this layer's metric
	n      int       // LSOAs with a value
	dec    [11]decileSums
}

// decileSums are a decile's baseline totals: population, population with a point and
// population times accessibility (per person), and population within d0 of a site.
type decileSums struct {
	pop, popPoint, popAccess, covered float64
}

// New builds a Model and its baseline with the input's parameters.
func New(in *Input) (*Model, error) {
	if err := in.Params.Validate(); err != nil {
		return nil, err
	}
	m := &Model{in: in, byCode: make(map[string]int32, len(in.LSOAs))}
	xs, ys := make([]float64, len(in.LSOAs)), make([]float64, len(in.LSOAs))
	m.need = make([]float64, len(in.LSOAs))
	for i, l := range in.LSOAs {
		if _, dup := m.byCode[l.Code]; dup {
			return nil, fmt.Errorf("engine: LSOA %s twice", l.Code)
		}
		m.byCode[l.Code] = int32(i)
		xs[i], ys[i] = l.X, l.Y
		m.need[i] = needPct(l.Rank, in.Count)
	}
	m.lgrid = newGrid(xs, ys)
	p := in.Params
	m.layers[Asset] = m.newLayer(Asset, in.Assets, p.AssetsCatchment, p.Weights)
	m.layers[LinkWorker] = m.newLayer(LinkWorker, in.Services, p.LinkWorkerCatchment, p.Weights)
	return m, nil
}

// WithParams returns a Model of the same data with other catchments and weights (the baseline
// recomputed); m itself when they are the same.
func (m *Model) WithParams(p spatlas.BuildParams) (*Model, error) {
	if p == m.in.Params {
		return m, nil
	}
	in := *m.in
	in.Params = p
	return New(&in)
}

// Input returns what the model was built from. It must not be changed.
func (m *Model) Input() *Input { return m.in }

// Params returns the model's parameters.
func (m *Model) Params() spatlas.BuildParams { return m.in.Params }

// needPct is METHODS.md's need percentile, 1 - (rank - 1)/(N - 1); NaN without a rank.
func needPct(rank, n int) float64 {
	if rank == 0 || n < 2 {
		return math.NaN()
	}
	return 1 - float64(rank-1)/float64(n-1)
}

func (m *Model) newLayer(kind Kind, sites []Site, d0 float64, w [3]float64) *layer {
	l := &layer{kind: kind, d0: d0, w: w, sites: sites, byID: make(map[string]int32, len(sites))}
	xs, ys := make([]float64, len(sites)), make([]float64, len(sites))
	for j, s := range sites {
		l.byID[s.ID] = int32(j)
		xs[j], ys[j] = s.X, s.Y
	}
	l.grid = newGrid(xs, ys)
	l.r = make([]float64, len(sites))
	for j, s := range sites {
		l.r[j] = m.ratio(l, s)
	}
	n := len(m.in.LSOAs)
	l.access, l.keys, l.cover = make([]float64, n), make([]float64, n), make([]int32, n)
	for i := range n {
		l.access[i], l.cover[i] = m.accessAt(l, int32(i), nil, nil)
		l.keys[i] = rankKey(l.access[i])
	}
	l.sorted = sortedKeys(l.keys)
	l.n = len(l.sorted)
	l.pct, l.under, l.below = make([]float64, n), make([]flag, n), make([]int32, n)
	for i := range n {
		l.below[i] = int32(less(l.sorted, l.keys[i]))
		l.pct[i] = percentile(int(l.below[i]), l.n, l.keys[i])
		l.under[i] = m.underserved(i, l.pct[i])
		d := &l.dec[m.in.LSOAs[i].Decile%11]
		pop := m.in.LSOAs[i].Pop
		d.pop += pop
		if !math.IsNaN(l.access[i]) {
			d.popPoint += pop
			d.popAccess += pop * l.access[i]
		}
		if l.cover[i] > 0 {
			d.covered += pop
		}
	}
	return l
}

// underserved is LSOA i's flag at a provision percentile, with the model's thresholds.
func (m *Model) underserved(i int, pct float64) flag {
	return underserved(m.in.LSOAs[i].Decile, pct, m.in.Params.UnderservedDecile, m.in.Params.UnderservedPct)
}

// weight is the band weight of a distance within d0 (the build's CASE), 0 beyond it.
func (l *layer) weight(d float64) float64 {
	switch {
	case d <= l.d0/3:
		return l.w[0]
	case d <= 2*l.d0/3:
		return l.w[1]
	case d <= l.d0:
		return l.w[2]
	}
	return 0
}

// ratio is step 1 of E2SFCA for a site: its supply over the weighted population in reach; NaN
// when none is.
func (m *Model) ratio(l *layer, s Site) float64 {
	var demand float64
	m.lgrid.near(s.X, s.Y, l.d0, func(k int32) {
		p := &m.in.LSOAs[k]
		if d := dist(p.X, p.Y, s.X, s.Y); d <= l.d0 {
			demand += p.Pop * l.weight(d)
		}
	})
	if demand == 0 {
		return math.NaN()
	}
	return s.Supply / demand
}

// accessAt is step 2 of E2SFCA at LSOA i: the stored sites of the layer not in removed, then
// the added ones, and how many of them lie within d0. NaN for an LSOA without a point.
func (m *Model) accessAt(l *layer, i int32, removed map[int32]bool, added []addedSite) (float64, int32) {
	p := &m.in.LSOAs[i]
	if math.IsNaN(p.X) {
		return math.NaN(), 0
	}
	var a float64
	var n int32
	l.grid.near(p.X, p.Y, l.d0, func(j int32) {
		if removed[j] {
			return
		}
		s := &l.sites[j]
		if d := dist(p.X, p.Y, s.X, s.Y); d <= l.d0 {
			n++
			if !math.IsNaN(l.r[j]) {
				a += l.r[j] * l.weight(d)
			}
		}
	})
	for _, s := range added {
		if d := dist(p.X, p.Y, s.X, s.Y); d <= l.d0 {
			n++
			if !math.IsNaN(s.r) {
				a += s.r * l.weight(d)
			}
		}
	}
	return a, n
}

// addedSite is a hypothetical site with its ratio.
type addedSite struct {
	Site
	r float64
}
