package engine

import (
	"math"
	"slices"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// NewSite is a hypothetical site of a scenario.
type NewSite struct {
	Kind Kind
	Site
}

// Change is a scenario: sites added and stored sites ("asset:<id>", "service:<id>") removed.
type Change struct {
	Add    []NewSite
	Remove []string
}

// LSOAChange is one LSOA's figures before and after a scenario; accessibility in the metric's
// unit, NaN when unknown.
type LSOAChange struct {
	Code                            string
	Decile                          int
	Pop                             float64
	AccessBefore, AccessAfter       float64
	PctBefore, PctAfter             float64
	GapBefore, GapAfter             float64
	UnderservedBefore               *bool
	UnderservedAfter                *bool
	CoveredBefore, CoveredAfter     bool
	underBefore, underAfter         flag
	accessBeforeRaw, accessAfterRaw float64
}

// Outcome is a scenario's answer on one metric.
type Outcome struct {
	Metric    string
	Kind      Kind
	Catchment float64
	// Changed are the LSOAs whose accessibility, coverage or underserved flag changed, in the
	// model's order; Rows adds those whose percentile (and gap) alone moved.
	Changed []LSOAChange
	shifted []shift
	m       *Model
	l       *layer
	// Recomputed is how many LSOAs had their accessibility recomputed.
	Recomputed int
	Summary    Summary
}

// Evaluate answers a scenario on a gap metric, recomputing only the LSOAs the change can reach.
func (m *Model) Evaluate(ch Change, metric string) (*Outcome, error) {
	return m.evaluate(ch, metric, false)
}

// evaluate is Evaluate; full recomputes every LSOA, for tests of the incremental path.
func (m *Model) evaluate(ch Change, metric string, full bool) (*Outcome, error) {
	kind, _, err := MetricKind(metric)
	if err != nil {
		return nil, err
	}
	l := m.layers[kind]
	removed := map[int32]bool{}
	var moved []Site // the sites whose reach changes
	for _, id := range ch.Remove {
		j, ok := l.byID[id]
		if !ok {
			if _, other := m.layers[1-kind].byID[id]; other {
				continue
			}
			return nil, spatlas.Errorf(spatlas.EINVALID, "remove: no site %q in edition %s", id, m.in.Edition)
		}
		removed[j] = true
		moved = append(moved, l.sites[j])
	}
	var added []addedSite
	for _, s := range ch.Add {
		if s.Kind != kind {
			continue
		}
		added = append(added, addedSite{Site: s.Site, r: m.ratio(l, s.Site)})
		moved = append(moved, s.Site)
	}
	var affected []int32
	if full {
		affected = make([]int32, len(m.in.LSOAs))
		for i := range affected {
			affected[i] = int32(i)
		}
	} else {
		affected = m.reach(l, moved)
	}
	o := &Outcome{Metric: metric, Kind: kind, Catchment: l.d0, Recomputed: len(affected), m: m, l: l}
	m.recompute(l, o, affected, removed, added)
	o.Summary = m.summarise(l, o, ch)
	return o, nil
}

// reach returns the LSOAs whose point lies within d0 of one of the sites, ascending.
func (m *Model) reach(l *layer, sites []Site) []int32 {
	seen := map[int32]bool{}
	var out []int32
	for _, s := range sites {
		m.lgrid.near(s.X, s.Y, l.d0, func(i int32) {
			p := &m.in.LSOAs[i]
			if !seen[i] && dist(p.X, p.Y, s.X, s.Y) <= l.d0 {
				seen[i] = true
				out = append(out, i)
			}
		})
	}
	slices.Sort(out)
	return out
}

// recompute fills o.Changed: accessibility at the affected LSOAs, then every LSOA's percentile
// from the base ranking adjusted by the affected LSOAs' old and new keys. LSOAs whose only
// change is their percentile (and so their gap) are kept compactly in o.shifted.
func (m *Model) recompute(l *layer, o *Outcome, affected []int32, removed map[int32]bool, added []addedSite) {
	n := len(m.in.LSOAs)
	slot := make([]int32, n)
	for i := range slot {
		slot[i] = -1
	}
	after := make([]struct {
		access, key float64
		cover       int32
	}, len(affected))
	var oldKeys, newKeys []float64
	for s, i := range affected {
		a := &after[s]
		a.access, a.cover = m.accessAt(l, i, removed, added)
		a.key = rankKey(a.access)
		slot[i] = int32(s)
		if !math.IsNaN(a.key) {
			oldKeys = append(oldKeys, l.keys[i])
			newKeys = append(newKeys, a.key)
		}
	}
	slices.Sort(oldKeys)
	slices.Sort(newKeys)
	for i := range n {
		key, a, c, below := l.keys[i], l.access[i], l.cover[i], int(l.below[i])
		if s := slot[i]; s >= 0 {
			key, a, c = after[s].key, after[s].access, after[s].cover
			below = less(l.sorted, key)
		}
		pct := l.pct[i]
		if len(newKeys) > 0 {
			pct = percentile(below-less(oldKeys, key)+less(newKeys, key), l.n, key)
		}
		under := m.underserved(i, pct)
		if same(a, l.access[i]) && under == l.under[i] && (c > 0) == (l.cover[i] > 0) {
			if !same(pct, l.pct[i]) {
				o.shifted = append(o.shifted, shift{i: int32(i), pct: pct})
			}
			continue
		}
		o.Changed = append(o.Changed, m.row(l, o, i, a, pct, c))
	}
}

// row is LSOA i's figures before and after.
func (m *Model) row(l *layer, o *Outcome, i int, a, pct float64, c int32) LSOAChange {
	_, scale, _ := MetricKind(o.Metric)
	lsoa := &m.in.LSOAs[i]
	under := m.underserved(i, pct)
	return LSOAChange{
		Code: lsoa.Code, Decile: lsoa.Decile, Pop: lsoa.Pop,
		AccessBefore: l.access[i] * scale, AccessAfter: a * scale,
		PctBefore: l.pct[i], PctAfter: pct,
		GapBefore: m.need[i] - l.pct[i], GapAfter: m.need[i] - pct,
		UnderservedBefore: l.under[i].Ptr(), UnderservedAfter: under.Ptr(),
		CoveredBefore: l.cover[i] > 0, CoveredAfter: c > 0,
		underBefore: l.under[i], underAfter: under,
		accessBeforeRaw: l.access[i], accessAfterRaw: a,
	}
}

// shift is an LSOA whose percentile alone changed.
type shift struct {
	i   int32
	pct float64
}

// Rows returns every LSOA whose figures changed, those whose percentile (and gap) alone moved
// included, in the model's order.
func (o *Outcome) Rows() []LSOAChange {
	out := make([]LSOAChange, 0, len(o.Changed)+len(o.shifted))
	c := 0
	for _, s := range o.shifted {
		for c < len(o.Changed) && o.m.byCode[o.Changed[c].Code] < s.i {
			out = append(out, o.Changed[c])
			c++
		}
		i := int(s.i)
		out = append(out, o.m.row(o.l, o, i, o.l.access[i], s.pct, o.l.cover[i]))
	}
	return append(out, o.Changed[c:]...)
}

// same says whether two values are equal, NaN equal to NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
