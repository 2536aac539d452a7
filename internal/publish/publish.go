package publish

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Metrics are one LSOA's metrics as the build stores them, with what aggregation needs: the
// areas that hold it and its population. A nil field is null. The db tags name the columns of
// the store's query.
type Metrics struct {
	Code              string             `db:"code"`
	MSOA              *string            `db:"msoa_code"`
	LAD               *string            `db:"lad_code"`
	ICB               *string            `db:"icb_code"`
	Region            *string            `db:"region_code"`
	Population        *float64           `db:"population"`
	AssetsN           *int32             `db:"assets_n"`
	AssetsByCategory  map[string]float64 `db:"assets_by_category"`
	NearestAsset      *float64           `db:"nearest_asset_m"`
	NearestByCategory map[string]float64 `db:"nearest_by_category"`
	AssetsWithin      *int32             `db:"assets_within_1600m"`
	AssetsAccess      *float64           `db:"assets_access"` // per person
	LWFTE             *float64           `db:"lw_fte"`
	LWCaseload        *int64             `db:"lw_caseload"`
	LWAccess          *float64           `db:"lw_access"` // FTE per person
	NeedPct           *float64           `db:"need_pct"`
	ProvisionPct      *float64           `db:"provision_pct"`
	Gap               *float64           `db:"gap"`
	Underserved       *bool              `db:"underserved"`
	GiZ               *float64           `db:"gi_z"`
	GiP               *float64           `db:"gi_p"`
	GiSig             *bool              `db:"gi_sig"`
}

// Area is the published metrics of one area.
type Area struct {
	Level, Code string
	// LAD and ICB are the district and ICB that hold the whole area, or "".
	LAD, ICB string
	// Props are the published properties, by column name.
	Props map[string]any
	// Ranked are the published numbers by column position, nil where there is none: the
	// values areas are ranked on.
	Ranked []*float64
}

// Tally counts the LSOAs of a build and those flagged.
type Tally struct {
	LSOAs, Underserved, Hotspots, Coldspots int
}

// lsoa is one LSOA's values by column position, NaN for null; booleans are 0 or 1.
type lsoa struct {
	code    string
	parents [4]string // msoa, lad, icb, region
	pop     float64
	vals    []float64
	cases   *int64 // lw_caseload, where known
}

// Areas publishes the metrics of an edition's LSOAs (the columns of
// spatlas.MetricColumns(categories)): each LSOA's, then each MSOA's, LAD's, ICB's and region's
// aggregated from its LSOAs, in the order of their first LSOA; and England's, which, being
// national, is not under disclosure control.
func Areas(categories []string, ms []Metrics) (areas []Area, england map[string]any, t Tally) {
	cols := spatlas.MetricColumns(categories)
	at := make(map[string]int, len(cols))
	for i, c := range cols {
		at[c.Name] = i
	}
	lsoas := make([]lsoa, len(ms))
	for i, m := range ms {
		lsoas[i] = values(at, categories, m)
		t.add(m)
	}
	for _, r := range lsoas {
		props, ranked := Properties(cols, spatlas.LevelLSOA, r.vals, r.cases, true)
		areas = append(areas, Area{spatlas.LevelLSOA, r.code, r.parents[1], r.parents[2], props, ranked})
	}
	for i, level := range spatlas.Levels()[1:] {
		groups := map[string][]*lsoa{}
		var order []string
		for j := range lsoas {
			c := lsoas[j].parents[i]
			if c == "" {
				continue
			}
			if _, ok := groups[c]; !ok {
				order = append(order, c)
			}
			groups[c] = append(groups[c], &lsoas[j])
		}
		for _, code := range order {
			vals, cases := aggregate(cols, at, groups[code])
			props, ranked := Properties(cols, level, vals, cases, true)
			areas = append(areas, Area{level, code, whole(groups[code], 1), whole(groups[code], 2), props, ranked})
		}
	}
	all := make([]*lsoa, len(lsoas))
	for i := range lsoas {
		all[i] = &lsoas[i]
	}
	vals, cases := aggregate(cols, at, all)
	england, _ = Properties(cols, spatlas.LevelRegion, vals, cases, false)
	return areas, england, t
}

func (t *Tally) add(m Metrics) {
	t.LSOAs++
	if m.Underserved != nil && *m.Underserved {
		t.Underserved++
	}
	if m.GiSig != nil && *m.GiSig && m.GiZ != nil {
		if *m.GiZ > 0 {
			t.Hotspots++
		} else {
			t.Coldspots++
		}
	}
}

// values lays out an LSOA's metrics by column position, in the units published: per person
// accessibility scaled to per 1,000 (assets) or 10,000 (link workers), assets_per_1k from the
// count and population.
func values(at map[string]int, categories []string, m Metrics) lsoa {
	r := lsoa{code: m.Code, pop: orNaN(m.Population), vals: make([]float64, len(at)), cases: m.LWCaseload}
	for i, p := range []*string{m.MSOA, m.LAD, m.ICB, m.Region} {
		if p != nil {
			r.parents[i] = *p
		}
	}
	for i := range r.vals {
		r.vals[i] = math.NaN()
	}
	set := func(name string, v float64) {
		if i, ok := at[name]; ok {
			r.vals[i] = v
		}
	}
	setInt := func(name string, v *int32) {
		if v != nil {
			set(name, float64(*v))
		}
	}
	setBool := func(name string, v *bool) {
		if v != nil {
			set(name, b2f(*v))
		}
	}
	set("need_pct", orNaN(m.NeedPct))
	setInt("assets_n", m.AssetsN)
	if m.AssetsN != nil {
		for _, c := range categories {
			set("assets_n_"+spatlas.CategoryKey(c), m.AssetsByCategory[c])
		}
		if r.pop > 0 {
			set("assets_per_1k", float64(*m.AssetsN)/r.pop*1000)
		}
	}
	set("nearest_asset_m", orNaN(m.NearestAsset))
	for _, c := range categories {
		if d, ok := m.NearestByCategory[c]; ok {
			set("nearest_"+spatlas.CategoryKey(c)+"_m", d)
		}
	}
	setInt("assets_within_1600m", m.AssetsWithin)
	set("assets_access_per_1k", scale(m.AssetsAccess, 1000))
	set("lw_fte", orNaN(m.LWFTE))
	set("lw_fte_per_10k", scale(m.LWAccess, 10000))
	set("provision_pct", orNaN(m.ProvisionPct))
	set("gap", orNaN(m.Gap))
	setBool("underserved", m.Underserved)
	set("gi_z", orNaN(m.GiZ))
	set("gi_p", orNaN(m.GiP))
	setBool("gi_sig", m.GiSig)
	return r
}

// whole returns the parent (by index: 1 LAD, 2 ICB) shared by every LSOA of an area, or "".
func whole(rows []*lsoa, i int) string {
	if len(rows) == 0 {
		return ""
	}
	p := rows[0].parents[i]
	for _, r := range rows[1:] {
		if r.parents[i] != p {
			return ""
		}
	}
	return p
}

// aggregate combines LSOAs into the values of the area they make up: counts add, rates are
// recomputed from the sums, the rest are population-weighted means (METHODS.md, "Aggregates").
func aggregate(cols []spatlas.Column, at map[string]int, rows []*lsoa) (vals []float64, cases *int64) {
	vals = make([]float64, len(cols))
	var pop float64
	for _, r := range rows {
		if r.pop > 0 {
			pop += r.pop
		}
		if r.cases != nil {
			if cases == nil {
				cases = new(int64)
			}
			*cases += *r.cases
		}
	}
	for i, c := range cols {
		vals[i] = combine(c, i, at, rows)
		if c.Num != "" && c.Den != "" {
			vals[i] = math.NaN()
			if n := vals[at[c.Num]]; pop > 0 && !math.IsNaN(n) {
				vals[i] = n / pop * c.Per
			}
		}
	}
	return vals, cases
}

// combine aggregates column c (at position i) over rows by its aggregation; NaN when no LSOA
// gives it a value. Rates are left to aggregate.
func combine(c spatlas.Column, i int, at map[string]int, rows []*lsoa) float64 {
	var sum, wsum, w float64
	var any bool
	for _, r := range rows {
		switch c.Agg {
		case spatlas.AggSum:
			if c.Name == "underserved_population" {
				if u := r.vals[at["underserved"]]; u == 1 && r.pop > 0 {
					sum += r.pop
				}
				any = true
				continue
			}
			if v := r.vals[i]; !math.IsNaN(v) {
				sum += v
				any = true
			}
		case spatlas.AggMean:
			if v := r.vals[i]; !math.IsNaN(v) && r.pop > 0 {
				wsum += v * r.pop
				w += r.pop
			}
		case spatlas.AggCount:
			any = true
			switch c.Num {
			case "underserved":
				sum += b2f(r.vals[at["underserved"]] == 1)
			case "hotspot":
				sum += b2f(r.vals[at["gi_sig"]] == 1 && r.vals[at["gi_z"]] > 0)
			}
		}
	}
	switch {
	case c.Agg == spatlas.AggMean && w > 0:
		return wsum / w
	case (c.Agg == spatlas.AggSum || c.Agg == spatlas.AggCount) && any:
		return sum
	}
	return math.NaN()
}

// Properties turns values (by column position, NaN for null) into the published properties of
// an area of a level: only the level's columns, rounded to their digits and typed, and the
// caseload under disclosure control (METHODS.md, "Disclosure control") when disclose. It also
// returns the published numbers by column position (nil where there is none), which rank areas.
func Properties(cols []spatlas.Column, level string, vals []float64, cases *int64, disclose bool) (map[string]any, []*float64) {
	m := make(map[string]any, len(cols)+1)
	ranked := make([]*float64, len(cols))
	for i, c := range cols {
		if !slices.Contains(c.Levels, level) || c.Disclosure {
			continue
		}
		v := vals[i]
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			m[c.Name] = nil
			continue
		case c.Type == spatlas.TypeBoolean:
			m[c.Name] = v == 1
			continue
		case c.Type == spatlas.TypeInteger && c.Digits < 0:
			v = math.Round(v)
			m[c.Name] = int64(v)
		default:
			v = spatlas.Round(v, c.Digits)
			m[c.Name] = jsonNumber(v)
		}
		ranked[i] = &v
	}
	switch {
	case cases == nil:
		m["lw_caseload"], m["lw_caseload_suppressed"] = nil, false
	case !disclose:
		m["lw_caseload"], m["lw_caseload_suppressed"] = *cases, false
	default:
		v, ok := spatlas.Disclose(*cases)
		if ok {
			m["lw_caseload"], m["lw_caseload_suppressed"] = v, false
		} else {
			m["lw_caseload"], m["lw_caseload_suppressed"] = nil, true
		}
	}
	return m, ranked
}

// jsonNumber keeps whole numbers whole in JSON (1600, not 1600.0 or 1.6e3).
func jsonNumber(v float64) json.Number {
	return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

func scale(v *float64, by float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v * by
}
