package app

import (
	"log/slog"

	"github.com/spatlas/spatlas/internal/ingest"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// readParents reads a lookup into a map from its key (an LSOA or LAD code) to the area. A key may
// repeat (the output area lookup has a row per output area) but must name one area throughout.
func (p *Plan) readParents(path string, l *lookup) (map[string]spatlas.Parent, error) {
	t, err := p.readTable(path, l.code, l.areaCode, l.areaName)
	if err != nil {
		return nil, err
	}
	m := make(map[string]spatlas.Parent, len(t.Rows))
	for i, row := range t.Rows {
		if row[0] == "" || row[1] == "" {
			continue
		}
		a := spatlas.Parent{Code: row[1], Name: row[2]}
		if prev, ok := m[row[0]]; ok && prev.Code != a.Code {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: %s %s is in %s %s here and in %s on an earlier line",
				t.Name, t.Lines[i], l.code, row[0], l.areaCode, a.Code, prev.Code)
		}
		m[row[0]] = a
	}
	return m, nil
}

// readGeography fills in each LSOA's MSOA and region from the recipe's lookups. LSOAs that no
// lookup places are loaded without one, and logged.
func (p *Plan) readGeography(d *spatlas.EditionData, logger *slog.Logger) error {
	var err error
	switch {
	case p.msoa != "" && p.recipe.msoa != nil:
		if d.MSOA, err = p.readParents(p.msoa, p.recipe.msoa); err != nil {
			return err
		}
	case p.msoa != "" && p.recipe.msoaNames != nil:
		if d.MSOA, err = p.msoaByName(d.LSOAs); err != nil {
			return err
		}
	}
	if p.region != "" {
		if d.Region, err = p.regionsByLAD(d.LSOAs); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		level string
		m     map[string]spatlas.Parent
	}{{spatlas.LevelMSOA, d.MSOA}, {spatlas.LevelRegion, d.Region}} {
		if c.m == nil {
			continue
		}
		if missing := withoutParent(d.LSOAs, c.m); len(missing) > 0 {
			logger.Warn("LSOAs not placed in any area of a level", "edition", p.Edition.ID, "level", c.level,
				"lsoas", len(missing), "first", missing[:min(len(missing), 5)])
		}
	}
	return nil
}

func withoutParent(recs []spatlas.LSOADeprivation, m map[string]spatlas.Parent) []string {
	var out []string
	for _, r := range recs {
		if _, ok := m[r.Code]; !ok {
			out = append(out, r.Code)
		}
	}
	return out
}

// msoaByName places each LSOA in the MSOA it is named after: an LSOA's name is its MSOA's name
// plus one letter ("Hartlepool 009A" is in "Hartlepool 009"). The MSOA codes come from the names
// of the features of an MSOA boundary file.
func (p *Plan) msoaByName(recs []spatlas.LSOADeprivation) (map[string]spatlas.Parent, error) {
	a := p.recipe.msoaNames
	byName := map[string]string{}
	var n int64
	err := ingest.ReadBoundaries(p.msoa, ingest.BoundaryFields{Code: a.codeFields, Name: a.nameFields}, func(b spatlas.Boundary) error {
		n++
		if b.Code == "" || b.Name == "" {
			return nil
		}
		if prev, ok := byName[b.Name]; ok && prev != b.Code {
			return spatlas.Errorf(spatlas.EINVALID, "%s: feature %d: MSOA name %q is also that of %s", p.rel(p.msoa), b.Feature, b.Name, prev)
		}
		byName[b.Name] = b.Code
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.source(p.msoa).Rows = n
	m := make(map[string]spatlas.Parent, len(recs))
	for _, r := range recs {
		name := msoaName(r.Name)
		if code, ok := byName[name]; ok {
			m[r.Code] = spatlas.Parent{Code: code, Name: name}
		}
	}
	return m, nil
}

// msoaName is the name of the MSOA an LSOA of that name lies in: the name less its final letter,
// when it ends in three digits and a capital letter; "" otherwise.
func msoaName(lsoa string) string {
	n := len(lsoa)
	if n < 5 || lsoa[n-1] < 'A' || lsoa[n-1] > 'Z' {
		return ""
	}
	for _, c := range lsoa[n-4 : n-1] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return lsoa[:n-1]
}

// regionsByLAD places each LSOA in the region of its LAD (the deprivation file's LAD code). An
// LSOA whose LAD the lookup lacks takes its region from the fallback LSOA lookup, when there is
// one.
func (p *Plan) regionsByLAD(recs []spatlas.LSOADeprivation) (map[string]spatlas.Parent, error) {
	byLAD, err := p.readParents(p.region, p.recipe.region)
	if err != nil {
		return nil, err
	}
	m := make(map[string]spatlas.Parent, len(recs))
	var unplaced bool
	for _, r := range recs {
		if rg, ok := byLAD[r.LADCode]; ok {
			m[r.Code] = rg
		} else {
			unplaced = true
		}
	}
	if !unplaced || p.regionAlt == "" {
		return m, nil
	}
	byLSOA, err := p.readParents(p.regionAlt, p.recipe.regionFallback)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if _, ok := m[r.Code]; ok {
			continue
		}
		if rg, ok := byLSOA[r.Code]; ok {
			m[r.Code] = rg
		}
	}
	return m, nil
}
