package oruk

import (
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// builder turns services into an import, unit by unit.
type builder struct {
	o    Options
	im   *spatlas.Import
	seen map[string]int // SourceID -> the record it was first met in
}

func newBuilder(o Options) *builder {
	return &builder{
		o: o,
		im: &spatlas.Import{
			Dataset: o.Dataset,
			File:    o.File,
			Totals:  map[string]float64{"services": 0, "service_at_locations": 0},
		},
		seen: map[string]int{},
	}
}

// add files the units of one service.
func (b *builder) add(s *service) {
	im := b.im
	im.Totals["services"]++
	s.row = int(im.Totals["services"])
	im.Totals["service_at_locations"] += float64(len(s.ServiceAtLocations))
	var excluded string
	if st := string(s.Status); st != "" && !strings.EqualFold(st, "active") {
		excluded = fmt.Sprintf("status is %q, not active", st)
	}
	if len(s.ServiceAtLocations) == 0 {
		b.addWithoutLocations(s, excluded)
		return
	}
	hints := spatlas.CategoryHints{Terms: s.terms(), Labels: s.labels(), Name: unescape(string(s.Name))}
	for k := range s.ServiceAtLocations {
		b.addUnit(s, k, excluded, hints)
	}
}

// addWithoutLocations files the one unit of a service without service_at_locations.
func (b *builder) addWithoutLocations(s *service, excluded string) {
	im := b.im
	im.RowsRead++
	issue := spatlas.RowIssue{Row: s.row, ID: string(s.ID), Name: s.displayName(nil)}
	switch {
	case b.duplicate(string(s.ID), s.row, &issue):
	case excluded != "":
		issue.Reason = excluded
		im.Excluded = append(im.Excluded, issue)
	case s.full:
		issue.Reason = "no service_at_locations, even in the service's full record"
		im.Unlocated = append(im.Unlocated, issue)
	default:
		issue.Reason = "no service_at_locations in the record (list responses carry none: fetch each service in full)"
		im.Unlocated = append(im.Unlocated, issue)
	}
}

// addUnit files the unit of the k-th service_at_location of a service.
func (b *builder) addUnit(s *service, k int, excluded string, hints spatlas.CategoryHints) {
	im := b.im
	im.RowsRead++
	sal := s.ServiceAtLocations[k]
	loc := sal.Location
	id := unitID(s, k)
	issue := spatlas.RowIssue{Row: s.row, ID: id, Name: s.displayName(loc)}
	var addr address
	if loc != nil {
		addr = loc.address()
		issue.Postcode = string(addr.PostalCode)
	}
	if b.duplicate(id, s.row, &issue) {
		return
	}
	if excluded != "" {
		issue.Reason = excluded
		im.Excluded = append(im.Excluded, issue)
		return
	}
	if loc == nil {
		issue.Reason = fmt.Sprintf("service_at_location %s has no location", orHash(string(sal.ID), k))
		im.Unlocated = append(im.Unlocated, issue)
		return
	}
	label := loc.label(k)
	if strings.EqualFold(string(loc.LocationType), "virtual") {
		issue.Reason = label + " is virtual (online only), not a place"
		im.Excluded = append(im.Excluded, issue)
		return
	}
	a := spatlas.Asset{
		Dataset:  b.o.Dataset,
		File:     b.o.File,
		SourceID: id,
		Row:      s.row,
		Name:     issue.Name,
		Hints: spatlas.CategoryHints{ // each asset its own slices
			Terms: slices.Clone(hints.Terms), Labels: slices.Clone(hints.Labels), Name: hints.Name,
		},
		Address:  addr.String(),
		Postcode: string(addr.PostalCode),
		URL:      string(s.URL),
	}
	if a.Hints.Name == "" {
		a.Hints.Name = a.Name
	}
	b.place(&a, issue, label, loc)
}

// place files an asset at its location's coordinates, or else at its postcode, or files its
// unit as rejected or unlocated with the reason.
func (b *builder) place(a *spatlas.Asset, issue spatlas.RowIssue, label string, loc *location) {
	im := b.im
	lat, lon := loc.Latitude, loc.Longitude
	switch {
	case lat.bad != "":
		issue.Reason = fmt.Sprintf("%s: latitude %q is not a number", label, lat.bad)
		im.Rejected = append(im.Rejected, issue)
		return
	case lon.bad != "":
		issue.Reason = fmt.Sprintf("%s: longitude %q is not a number", label, lon.bad)
		im.Rejected = append(im.Rejected, issue)
		return
	case lat.set && lon.set:
		if why := spatlas.CheckLonLat(lon.v, lat.v); why != "" {
			issue.Reason = label + ": " + why
			im.Rejected = append(im.Rejected, issue)
			return
		}
		a.Loc = spatlas.Location{X: lon.v, Y: lat.v, SRID: spatlas.SRIDWGS84}
		im.Assets = append(im.Assets, *a)
		return
	}
	// No coordinates: the postcode, if the lookup knows it.
	missing := label + " has no latitude/longitude"
	if lat.set != lon.set {
		missing = label + " has only one of latitude and longitude"
	}
	pc := a.Postcode
	switch {
	case pc == "":
		issue.Reason = missing + " and no postcode"
	case b.o.Postcodes == nil:
		issue.Reason = fmt.Sprintf("%s; its postcode %s needs a postcode lookup", missing, pc)
	default:
		plon, plat, ok := b.o.Postcodes.Lookup(pc)
		if !ok {
			issue.Reason = fmt.Sprintf("%s; its postcode %s is not in the postcode lookup", missing, pc)
			break
		}
		if why := spatlas.CheckLonLat(plon, plat); why != "" {
			issue.Reason = fmt.Sprintf("%s; its postcode %s: %s", missing, pc, why)
			im.Rejected = append(im.Rejected, issue)
			return
		}
		a.Loc = spatlas.Location{X: plon, Y: plat, SRID: spatlas.SRIDWGS84}
		im.Assets = append(im.Assets, *a)
		return
	}
	im.Unlocated = append(im.Unlocated, issue)
}

// duplicate files the unit as excluded when its id was met before, and says whether it was.
func (b *builder) duplicate(id string, row int, issue *spatlas.RowIssue) bool {
	if id == "" {
		return false
	}
	if first, ok := b.seen[id]; ok {
		issue.Reason = fmt.Sprintf("duplicate of record %d", first)
		b.im.Excluded = append(b.im.Excluded, *issue)
		return true
	}
	b.seen[id] = row
	return false
}

// unitID is the SourceID of the k-th service_at_location of a service.
func unitID(s *service, k int) string {
	sal := s.ServiceAtLocations[k]
	var at string
	switch {
	case sal.Location != nil && sal.Location.ID != "":
		at = string(sal.Location.ID)
	case sal.ID != "":
		at = "sal:" + string(sal.ID)
	default:
		at = fmt.Sprintf("#%d", k+1)
	}
	if s.ID == "" {
		return ""
	}
	return string(s.ID) + "@" + at
}

func orHash(id string, k int) string {
	if id != "" {
		return id
	}
	return fmt.Sprintf("#%d", k+1)
}

// displayName is the name of a unit: the service's, else the location's, else the
// organisation's, with HTML entities ("&apos;", "&amp;") decoded.
func (s *service) displayName(loc *location) string {
	switch {
	case s.Name != "":
		return unescape(string(s.Name))
	case loc != nil && loc.Name != "":
		return unescape(string(loc.Name))
	case s.Organization != nil:
		return unescape(string(s.Organization.Name))
	}
	return ""
}

// unescape decodes the HTML entities some feeds leave in names.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// terms returns the codes, names and meaningful ids of the service's taxonomy terms, each once,
// in the order met.
func (s *service) terms() []string {
	var out []string
	add := func(t *term) {
		if t == nil {
			return
		}
		for _, v := range [...]text{t.Code, t.Name, t.Term} {
			if v != "" && !slices.Contains(out, string(v)) {
				out = append(out, string(v))
			}
		}
		if t.ID != "" && !isUUID(string(t.ID)) && !slices.Contains(out, string(t.ID)) {
			out = append(out, string(t.ID))
		}
	}
	for _, a := range s.Attributes {
		add(a.TaxonomyTerm)
	}
	for i := range s.TaxonomyTerms {
		add(&s.TaxonomyTerms[i])
	}
	for _, st := range s.ServiceTaxonomys {
		add(st.Taxonomy)
	}
	return out
}

// labels returns the service's audience types, each once.
func (s *service) labels() []string {
	var out []string
	for _, a := range s.TargetAudience {
		if v := string(a.AudienceType); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// address picks the location's address: the first physical one, else the first with a
// postcode, else the first.
func (l *location) address() address {
	all := append(slices.Clip(l.Addresses), l.PhysicalAddresses...)
	for _, a := range all {
		if strings.EqualFold(string(a.AddressType), "physical") {
			return a
		}
	}
	for _, a := range all {
		if a.PostalCode != "" {
			return a
		}
	}
	if len(all) > 0 {
		return all[0]
	}
	return address{}
}

// label names a location in reasons: `location "Name" (id)`.
func (l *location) label(k int) string {
	switch {
	case l.Name != "" && l.ID != "":
		return fmt.Sprintf("location %q (%s)", l.Name, l.ID)
	case l.ID != "":
		return "location " + string(l.ID)
	case l.Name != "":
		return fmt.Sprintf("location %q", l.Name)
	}
	return fmt.Sprintf("location #%d of the service", k+1)
}

// String is the address on one line.
func (a address) String() string {
	var parts []string
	for _, v := range [...]text{a.Address1, a.Address2, a.City, a.PostalCode} {
		if v != "" {
			parts = append(parts, string(v))
		}
	}
	return strings.Join(parts, ", ")
}

// isUUID says whether an id is a bare UUID, which says nothing about a term.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
