package engine

import "math"

// DecileRow is one IMD decile of a scenario's summary; accessibility in the metric's unit.
type DecileRow struct {
	Decile int `json:"decile"`
	// Population is the decile's population.
	Population float64 `json:"population"`
	// CoveredBefore and CoveredAfter are the people whose LSOA point lies within the catchment
	// of a site of the metric's kind.
	CoveredBefore float64 `json:"covered_before"`
	CoveredAfter  float64 `json:"covered_after"`
	// AccessBefore and AccessAfter are the population-weighted mean accessibility.
	AccessBefore *float64 `json:"access_before"`
	AccessAfter  *float64 `json:"access_after"`
}

// Summary is what a scenario changes, in the terms of METHODS.md's "Siting".
type Summary struct {
	Metric     string      `json:"metric"`
	Kind       string      `json:"kind"`
	CatchmentM float64     `json:"catchment_m"`
	ByDecile   []DecileRow `json:"by_decile"`
	// ChangedLSOA counts the LSOAs whose accessibility, coverage or underserved flag changed,
	// ShiftedLSOA those whose provision percentile (and gap) alone moved.
	ChangedLSOA int `json:"lsoas_changed"`
	ShiftedLSOA int `json:"lsoas_percentile_only"`
	// Leaving and Entering are the LSOAs that leave and enter the underserved set.
	Leaving  []string `json:"underserved_leaving"`
	Entering []string `json:"underserved_entering"`
	// NewlyReached are the people newly within the catchment of a site (all deciles, and
	// deciles 1-2); NoLongerReached those a removal leaves without one.
	NewlyReached         float64  `json:"newly_reached"`
	NewlyReachedDecile12 float64  `json:"newly_reached_deciles_1_2"`
	NoLongerReached      float64  `json:"no_longer_reached"`
	SitesAdded           int      `json:"sites_added"`
	SitesRemoved         int      `json:"sites_removed"`
	FTEAdded             float64  `json:"fte_added"`
	NewlyReachedPerFTE   *float64 `json:"newly_reached_per_fte"`
	Decile12PerFTE       *float64 `json:"newly_reached_deciles_1_2_per_fte"`
}

// summarise totals an outcome by decile from the layer's baseline sums and the changed LSOAs.
func (m *Model) summarise(l *layer, o *Outcome, ch Change) Summary {
	_, scale, _ := MetricKind(o.Metric)
	s := Summary{Metric: o.Metric, Kind: o.Kind.String(), CatchmentM: l.d0, ChangedLSOA: len(o.Changed), ShiftedLSOA: len(o.shifted),
		Leaving: []string{}, Entering: []string{}}
	after := l.dec
	for _, c := range o.Changed {
		d := &after[c.Decile%11]
		if !math.IsNaN(c.accessAfterRaw) {
			d.popAccess += c.Pop * (c.accessAfterRaw - c.accessBeforeRaw)
		}
		switch {
		case c.CoveredAfter && !c.CoveredBefore:
			d.covered += c.Pop
			s.NewlyReached += c.Pop
			if c.Decile >= 1 && c.Decile <= 2 {
				s.NewlyReachedDecile12 += c.Pop
			}
		case c.CoveredBefore && !c.CoveredAfter:
			d.covered -= c.Pop
			s.NoLongerReached += c.Pop
		}
		switch {
		case c.underBefore == flagTrue && c.underAfter != flagTrue:
			s.Leaving = append(s.Leaving, c.Code)
		case c.underAfter == flagTrue && c.underBefore != flagTrue:
			s.Entering = append(s.Entering, c.Code)
		}
	}
	for dec := 1; dec <= 10; dec++ {
		b, a := l.dec[dec], after[dec]
		s.ByDecile = append(s.ByDecile, DecileRow{Decile: dec, Population: b.pop,
			CoveredBefore: b.covered, CoveredAfter: a.covered,
			AccessBefore: finite(scale * b.popAccess / b.popPoint), AccessAfter: finite(scale * a.popAccess / a.popPoint)})
	}
	for _, a := range ch.Add {
		if a.Kind == o.Kind {
			s.SitesAdded++
			if a.Kind == LinkWorker {
				s.FTEAdded += a.Supply
			}
		}
	}
	for _, id := range ch.Remove {
		if _, ok := l.byID[id]; ok {
			s.SitesRemoved++
		}
	}
	if s.FTEAdded > 0 {
		s.NewlyReachedPerFTE = finite(s.NewlyReached / s.FTEAdded)
		s.Decile12PerFTE = finite(s.NewlyReachedDecile12 / s.FTEAdded)
	}
	return s
}
