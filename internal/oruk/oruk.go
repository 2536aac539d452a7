package oruk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Options say where a document comes from and how to place locations without coordinates.
type Options struct {
	Dataset string // the data directory folder, or the name given to the import
	File    string // the file name within the dataset (Client.Fetch uses the API base URL)
	// Postcodes places locations that have a postcode but no coordinates; nil leaves them
	// unlocated.
	Postcodes spatlas.Postcodes
}

// name is what error messages call the input.
func (o Options) name() string {
	switch {
	case o.File != "":
		return o.File
	case o.Dataset != "":
		return o.Dataset
	}
	return "Open Referral input"
}

// Read reads an Open Referral UK document (see the package documentation for the shapes it
// accepts) and returns its services as assets, one per service and location. A document that is
// not JSON, or not of an accepted shape, or whose records do not have the types HSDS gives them,
// is an error naming the input and the record; problems of single locations go to the import's
// Rejected, Unlocated and Excluded lists.
func Read(r io.Reader, o Options) (*spatlas.Import, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		var se *spatlas.Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", o.name(), err)
	}
	doc, err := parseDocument(o.name(), data)
	if err != nil {
		return nil, err
	}
	b := newBuilder(o)
	for i, raw := range doc.items {
		svcs, err := decodeRecord(o.name(), fmt.Sprintf("record %d", i+1), raw, nil)
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			b.add(s)
		}
	}
	return b.im, nil
}

// document is a parsed top-level JSON value: its records and, for paged lists, the paging
// fields.
type document struct {
	items []json.RawMessage
	// list is true for a paged list object, false for a bare array or a single record.
	list bool
	// array is true for a bare JSON array.
	array bool
	// Paging fields of a list; -1 when absent.
	totalItems, totalPages int
	lastPage, empty        bool
}

// parseDocument tells the shape of a document and returns its records.
func parseDocument(name string, data []byte) (*document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: empty: no JSON document", name)
	}
	if !json.Valid(data) {
		return nil, syntaxError(name, data)
	}
	doc := &document{totalItems: -1, totalPages: -1}
	switch trimmed[0] {
	case '[':
		doc.array = true
		if err := json.Unmarshal(data, &doc.items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %v", name, err)
		}
		return doc, nil
	case '{':
	default:
		return nil, spatlas.Errorf(spatlas.EINVALID,
			"%s: the document is a JSON %s, not a list of services or a service", name, jsonKind(trimmed))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %v", name, err)
	}
	contents, ok := obj["contents"]
	if !ok {
		contents, ok = obj["content"]
	}
	if !ok {
		if isRecord(obj) {
			doc.items = []json.RawMessage{json.RawMessage(trimmed)}
			return doc, nil
		}
		return nil, spatlas.Errorf(spatlas.EINVALID,
			`%s: neither a list of services (an array, or an object with "contents"), a service, a service_at_location nor an organisation with services; the object has %s`,
			name, keyList(obj))
	}
	doc.list = true
	if !isNull(contents) {
		if err := json.Unmarshal(contents, &doc.items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: contents is a JSON %s, not an array of records",
				name, jsonKind(bytes.TrimSpace(contents)))
		}
	}
	var err error
	if doc.totalItems, err = intField(name, obj, "total_items", "totalElements"); err != nil {
		return nil, err
	}
	if doc.totalPages, err = intField(name, obj, "total_pages", "totalPages"); err != nil {
		return nil, err
	}
	if doc.lastPage, err = boolField(name, obj, "last_page", "last"); err != nil {
		return nil, err
	}
	if doc.empty, err = boolField(name, obj, "empty"); err != nil {
		return nil, err
	}
	return doc, nil
}

// isRecord says whether an object can be one record: a service, a service_at_location or an
// organisation with services.
func isRecord(obj map[string]json.RawMessage) bool {
	if _, ok := obj["services"]; ok {
		return true
	}
	if _, ok := obj["id"]; !ok {
		return false
	}
	for _, k := range [...]string{"status", "organization", "service_at_locations", "service"} {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

// syntaxError describes where JSON that is not valid goes wrong.
func syntaxError(name string, data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset < int64(len(bytes.TrimRight(data, " \t\r\n"))) {
		line, col := lineCol(data, se.Offset)
		return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: line %d, column %d: %v", name, line, col, se)
	}
	if se != nil || errors.Is(err, io.ErrUnexpectedEOF) || err == nil {
		line, _ := lineCol(data, int64(len(bytes.TrimRight(data, " \t\r\n"))))
		return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: the document ends early, at line %d", name, line)
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: %v", name, err)
}

// lineCol returns the 1-based line and column of a byte offset.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// jsonKind names the kind of a JSON value from its first byte.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// keyList lists an object's keys for messages, a few at most.
func keyList(obj map[string]json.RawMessage) string {
	keys := slices.Sorted(maps.Keys(obj))
	if len(keys) == 0 {
		return "no fields"
	}
	const most = 8
	s := "fields " + strings.Join(keys[:min(len(keys), most)], ", ")
	if len(keys) > most {
		s += fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return s
}

// intField reads the first of the named paging fields present as a whole number; -1 when none
// is.
func intField(name string, obj map[string]json.RawMessage, keys ...string) (int, error) {
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || isNull(v) {
			continue
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || f < 0 || f != float64(int(f)) {
			return 0, spatlas.Errorf(spatlas.EINVALID, "%s: %s is %s, not a whole number", name, k, v)
		}
		return int(f), nil
	}
	return -1, nil
}

// boolField reads the first of the named paging fields present as a boolean; false when none is.
func boolField(name string, obj map[string]json.RawMessage, keys ...string) (bool, error) {
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || isNull(v) {
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return false, spatlas.Errorf(spatlas.EINVALID, "%s: %s is %s, not true or false", name, k, v)
		}
		return b, nil
	}
	return false, nil
}

// JSON of the records: only the fields spatlas uses.

// text is a JSON string or number read as a trimmed string; null is "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	default:
		// The decoder adds the field's name to this error.
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[string]()}
	}
	return nil
}

// coord is a latitude or longitude: a JSON number or a string holding one. Anything else is kept
// in bad, for the rejection's reason.
type coord struct {
	set bool
	v   float64
	bad string
}

func (c *coord) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*c = coord{}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	} else if s == "null" {
		s = ""
	}
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		c.bad = s
		return nil
	}
	c.set, c.v = true, v
	return nil
}

type address struct {
	AddressType text `json:"address_type"`
	Address1    text `json:"address_1"`
	Address2    text `json:"address_2"`
	City        text `json:"city"`
	PostalCode  text `json:"postal_code"`
}

type location struct {
	ID           text      `json:"id"`
	Name         text      `json:"name"`
	LocationType text      `json:"location_type"`
	Latitude     coord     `json:"latitude"`
	Longitude    coord     `json:"longitude"`
	Addresses    []address `json:"addresses"`
	// PhysicalAddresses are the addresses of ORUK before HSDS 3.
	PhysicalAddresses []address `json:"physical_addresses"`
}

type serviceAtLocation struct {
	ID       text      `json:"id"`
	Location *location `json:"location"`
}

// term is an HSDS 3 taxonomy_term or an ORUK taxonomy.
type term struct {
	ID         text `json:"id"`
	Code       text `json:"code"`
	Name       text `json:"name"`
	Term       text `json:"term"`
	Vocabulary text `json:"vocabulary"`
}

type organization struct {
	ID   text `json:"id"`
	Name text `json:"name"`
}

type service struct {
	row                int                 // the 1-based number of the service in its input, set by builder.add
	full               bool                // fetched in full from the API's service endpoint
	ID                 text                `json:"id"`
	Name               text                `json:"name"`
	URL                text                `json:"url"`
	Status             text                `json:"status"`
	Organization       *organization       `json:"organization"`
	ServiceAtLocations []serviceAtLocation `json:"service_at_locations"`
	Attributes         []struct {
		TaxonomyTerm *term `json:"taxonomy_term"`
	} `json:"attributes"`
	TaxonomyTerms    []term `json:"taxonomy_terms"`
	ServiceTaxonomys []struct {
		Taxonomy *term `json:"taxonomy"`
	} `json:"service_taxonomys"`
	TargetAudience []struct {
		AudienceType text `json:"audienceType"`
	} `json:"pc_targetAudience"`
}

// decodeRecord decodes one record of a document, called where in messages ("record 3"): one
// service, or the services of an organisation. org, when not nil, is the organisation of
// services that name none.
func decodeRecord(name, where string, raw json.RawMessage, org *organization) ([]*service, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s is a JSON %s, not a service", name, where, jsonKind(raw))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s: %v", name, where, err)
	}
	if svcs, ok := obj["services"]; ok {
		return decodeOrganization(name, where, raw, obj, svcs)
	}
	if !isRecord(obj) {
		return nil, spatlas.Errorf(spatlas.EINVALID,
			`%s: %s is not an Open Referral service: it has no "id" with "status", "organization" or "service_at_locations" (it has %s)`,
			name, where, keyList(obj))
	}
	s := &service{}
	if sv, ok := obj["service"]; ok && !isNull(sv) {
		// A service_at_location: the service, at this one location.
		var sal struct {
			ID       text            `json:"id"`
			Location *location       `json:"location"`
			Service  json.RawMessage `json:"service"`
		}
		if err := json.Unmarshal(raw, &sal); err != nil {
			return nil, fieldError(name, where, obj, "", err)
		}
		if err := json.Unmarshal(sal.Service, s); err != nil {
			return nil, fieldError(name, where, obj, "service.", err)
		}
		s.ServiceAtLocations = []serviceAtLocation{{ID: sal.ID, Location: sal.Location}}
	} else if err := json.Unmarshal(raw, s); err != nil {
		return nil, fieldError(name, where, obj, "", err)
	}
	if s.Organization == nil {
		s.Organization = org
	}
	return []*service{s}, nil
}

// decodeOrganization decodes the services of an organisation.
func decodeOrganization(name, where string, raw json.RawMessage, obj map[string]json.RawMessage, svcs json.RawMessage) ([]*service, error) {
	var org organization
	if err := json.Unmarshal(raw, &org); err != nil {
		return nil, fieldError(name, where, obj, "", err)
	}
	var items []json.RawMessage
	if !isNull(svcs) {
		if err := json.Unmarshal(svcs, &items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s: services is a JSON %s, not an array",
				name, where, jsonKind(bytes.TrimSpace(svcs)))
		}
	}
	var out []*service
	for i, it := range items {
		ss, err := decodeRecord(name, fmt.Sprintf("%s, service %d", where, i+1), it, &org)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// fieldError describes a record whose fields do not have the types HSDS gives them.
func fieldError(name, where string, obj map[string]json.RawMessage, prefix string, err error) error {
	var id text
	if v, ok := obj["id"]; ok && json.Unmarshal(v, &id) == nil && id != "" {
		where += fmt.Sprintf(" (id %s)", id)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := prefix + te.Field
		if field == "" {
			field = "the record"
		}
		what := te.Value
		if what == "" {
			what = "value"
		}
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s: %s is a JSON %s where %s was expected",
			name, where, field, what, typeName(te.Type.String()))
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: %s: %v", name, where, err)
}

// typeName says in HSDS terms what a Go type of the decoder stands for.
func typeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.Contains(t, "oruk."), strings.HasPrefix(t, "map"), strings.HasPrefix(t, "struct"):
		return "an object"
	case t == "string":
		return "text"
	}
	return t
}

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
	hints := spatlas.CategoryHints{Terms: s.terms(), Labels: s.labels(), Name: string(s.Name)}
	var excluded string
	if st := string(s.Status); st != "" && !strings.EqualFold(st, "active") {
		excluded = fmt.Sprintf("status is %q, not active", st)
	}

	if len(s.ServiceAtLocations) == 0 {
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
		return
	}

	for k, sal := range s.ServiceAtLocations {
		im.RowsRead++
		loc := sal.Location
		id := unitID(s, k)
		issue := spatlas.RowIssue{Row: s.row, ID: id, Name: s.displayName(loc)}
		var addr address
		if loc != nil {
			addr = loc.address()
			issue.Postcode = string(addr.PostalCode)
		}
		if b.duplicate(id, s.row, &issue) {
			continue
		}
		if excluded != "" {
			issue.Reason = excluded
			im.Excluded = append(im.Excluded, issue)
			continue
		}
		if loc == nil {
			issue.Reason = fmt.Sprintf("service_at_location %s has no location", orHash(string(sal.ID), k))
			im.Unlocated = append(im.Unlocated, issue)
			continue
		}
		label := loc.label(k)
		if strings.EqualFold(string(loc.LocationType), "virtual") {
			issue.Reason = label + " is virtual (online only), not a place"
			im.Excluded = append(im.Excluded, issue)
			continue
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
		lat, lon := loc.Latitude, loc.Longitude
		switch {
		case lat.bad != "":
			issue.Reason = fmt.Sprintf("%s: latitude %q is not a number", label, lat.bad)
			im.Rejected = append(im.Rejected, issue)
			continue
		case lon.bad != "":
			issue.Reason = fmt.Sprintf("%s: longitude %q is not a number", label, lon.bad)
			im.Rejected = append(im.Rejected, issue)
			continue
		case lat.set && lon.set:
			if why := spatlas.CheckLonLat(lon.v, lat.v); why != "" {
				issue.Reason = label + ": " + why
				im.Rejected = append(im.Rejected, issue)
				continue
			}
			a.Loc = spatlas.Location{X: lon.v, Y: lat.v, SRID: spatlas.SRIDWGS84}
			im.Assets = append(im.Assets, a)
			continue
		}
		// No coordinates: the postcode, if the lookup knows it.
		missing := label + " has no latitude/longitude"
		if lat.set != lon.set {
			missing = label + " has only one of latitude and longitude"
		}
		pc := string(addr.PostalCode)
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
				continue
			}
			a.Loc = spatlas.Location{X: plon, Y: plat, SRID: spatlas.SRIDWGS84}
			im.Assets = append(im.Assets, a)
			continue
		}
		im.Unlocated = append(im.Unlocated, issue)
	}
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
// organisation's.
func (s *service) displayName(loc *location) string {
	switch {
	case s.Name != "":
		return string(s.Name)
	case loc != nil && loc.Name != "":
		return string(loc.Name)
	case s.Organization != nil:
		return string(s.Organization.Name)
	}
	return ""
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
