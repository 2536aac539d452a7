package geoassets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/textio"
)

// Options says what a file is and which feature properties hold what. Property names match
// exactly first and then whatever their case, spacing and punctuation ("name" finds "Name",
// "site_name" finds "Site Name"); the first non-empty one is used. Empty lists take the presets
// every reader of assets shares (tabular.DefaultPresets); OpenStreetMap files have their own,
// below.
type Options struct {
	Dataset string // the data directory folder, or the name given to the import
	File    string // the file name, used in errors and on every asset

	// NameProps default: the name presets (name, site_name, title, organisation_name, ...);
	// OpenStreetMap: name, brand, operator.
	NameProps []string
	// IDProps default: the id presets, @id, then the Feature's own "id" (OpenStreetMap: @id, id).
	IDProps []string
	// LabelProps are free-text categories, all of which become Hints.Labels. Default: the
	// category presets (category, type, facility_type, site_type, ...); OpenStreetMap: none, the
	// tags are the hints.
	LabelProps []string
	// AddressProps default: the address presets, then addr:*. The entry "addr:*" composes an
	// address from the OpenStreetMap addr:housename, addr:housenumber, addr:street (or
	// addr:place) and addr:city properties (OpenStreetMap: addr:*).
	AddressProps []string
	// AddressJoin, when set, are properties whose values are joined with ", " into the address,
	// in place of AddressProps.
	AddressJoin []string
	// PostcodeProps default: the postcode presets (postcode, addr:postcode, ...); OpenStreetMap:
	// addr:postcode.
	PostcodeProps []string
	// URLProps default: the URL presets (url, website, contact:website, ...); OpenStreetMap:
	// website, contact:website, url.
	URLProps []string
	// Mapped are the properties a mapping named: a file in which no feature has one of them is
	// an error, as a CSV file without a mapped column is.
	Mapped []string
	// Exclude rules keep features out of the assets as not current provision, as for CSV.
	Exclude []tabular.Exclude
	// Coords place features without geometry. Default: the coordinate presets (lon, longitude,
	// lat, easting, ...); OpenStreetMap: none.
	Coords CoordProps

	// Category, when set, is the taxonomy category id of every asset of the file.
	Category string
	// Postcodes, when set, places features without geometry at their postcode.
	Postcodes spatlas.Postcodes
}

// addrParts is the AddressProps entry that composes an address from OpenStreetMap addr:* keys.
const addrParts = "addr:*"

func (o Options) withDefaults(osm bool) Options {
	p := tabular.DefaultPresets()
	var address []string
	for _, set := range p.Address {
		if len(set) == 1 {
			address = append(address, set[0])
		}
	}
	def := func(l *[]string, plain, osmDef []string) {
		if len(*l) > 0 {
			return
		}
		if osm {
			*l = osmDef
		} else {
			*l = plain
		}
	}
	def(&o.NameProps, p.Name, []string{"name", "brand", "operator"})
	def(&o.IDProps, append(p.ID, "@id"), []string{"@id", "id"})
	def(&o.LabelProps, p.Category, nil)
	def(&o.AddressProps, append(address, addrParts), []string{addrParts})
	def(&o.PostcodeProps, p.Postcode, []string{"addr:postcode"})
	def(&o.URLProps, p.URL, []string{"website", "contact:website", "url"})
	def(&o.Coords.Lon, p.Lon, nil)
	def(&o.Coords.Lat, p.Lat, nil)
	def(&o.Coords.Easting, p.Easting, nil)
	def(&o.Coords.Northing, p.Northing, nil)
	return o
}

// fill sets the name, address, postcode, URL and hints of a from properties p, and returns why
// the feature is excluded ("" when it is not).
func (b *builder) fill(a *spatlas.Asset, p map[string]string) string {
	for k := range p {
		b.seen[k] = true
	}
	a.Name = cleanName(lookup(p, b.o.NameProps))
	a.Postcode = cleanPostcode(lookup(p, b.o.PostcodeProps))
	a.URL = strings.TrimSpace(lookup(p, b.o.URLProps))
	if len(b.o.AddressJoin) > 0 {
		var parts []string
		for _, n := range b.o.AddressJoin {
			if v := collapse(lookup(p, []string{n})); v != "" {
				parts = append(parts, v)
			}
		}
		a.Address = strings.Join(parts, ", ")
	}
	for _, n := range b.o.AddressProps {
		if a.Address != "" || len(b.o.AddressJoin) > 0 {
			break
		}
		if n == addrParts {
			a.Address = osmAddress(p)
		} else {
			a.Address = collapse(lookup(p, []string{n}))
		}
	}
	a.Hints.Name = a.Name
	for _, n := range b.o.LabelProps {
		l := collapse(lookup(p, []string{n}))
		if l != "" && !contains(a.Hints.Labels, l) {
			a.Hints.Labels = append(a.Hints.Labels, l)
		}
	}
	return b.excluded(p)
}

// excluded returns the reason of the first exclude rule properties p meet, or "".
func (b *builder) excluded(p map[string]string) string {
	for _, x := range b.o.Exclude {
		v := collapse(lookup(p, []string{x.Column}))
		if v == "" {
			continue
		}
		reason := x.Reason
		if reason == "" {
			reason = strings.TrimSpace(x.Column)
		}
		in := func(l []string) bool {
			return slices.ContainsFunc(l, func(s string) bool { return strings.EqualFold(v, strings.TrimSpace(s)) })
		}
		if (len(x.Except) > 0 && !in(x.Except)) || (len(x.Except) == 0 && (len(x.Values) == 0 || in(x.Values))) {
			return fmt.Sprintf("%s (%s)", reason, v)
		}
	}
	return ""
}

// checkMapped says which property named by the mapping no feature has, listing those they have.
func (b *builder) checkMapped() error {
	if b.im.RowsRead == 0 {
		return nil
	}
	for _, n := range b.o.Mapped {
		if lookup(b.seenAs(n), []string{n}) == "" {
			return spatlas.Errorf(spatlas.EINVALID, "%s: no feature has the property %q the mapping names (the features have %s)",
				b.o.fileName(), n, textio.QuoteList(b.fields(), 30))
		}
	}
	return nil
}

// seenAs returns the properties seen, each with the value n, for lookup.
func (b *builder) seenAs(n string) map[string]string {
	m := make(map[string]string, len(b.seen))
	for k := range b.seen {
		m[k] = n
	}
	return m
}

// fields returns the property names the features have, sorted.
func (b *builder) fields() []string {
	out := make([]string, 0, len(b.seen))
	for k := range b.seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// osmAddress composes an address from OpenStreetMap addr:* keys.
func osmAddress(p map[string]string) string {
	var parts []string
	add := func(s string) {
		if s = collapse(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(p["addr:housename"])
	street := p["addr:street"]
	if street == "" {
		street = p["addr:place"]
	}
	add(strings.TrimSpace(p["addr:housenumber"] + " " + street))
	add(p["addr:city"])
	return strings.Join(parts, ", ")
}

// lookup returns the first non-empty value of the properties names, matched exactly first and
// then whatever their case, spacing and punctuation (tabular.PresetKey).
func lookup(p map[string]string, names []string) string {
	for _, n := range names {
		if v := p[n]; v != "" {
			return v
		}
	}
	for _, n := range names {
		key := tabular.PresetKey(n)
		if key == "" {
			continue
		}
		for k, v := range p {
			if v != "" && (strings.EqualFold(k, n) || tabular.PresetKey(k) == key) {
				return v
			}
		}
	}
	return ""
}

// scalars returns the string properties as they are and, when numbers is set, numbers and
// booleans as their JSON text. Nulls, objects and arrays are left out.
func scalars(props map[string]json.RawMessage, numbers bool) map[string]string {
	p := make(map[string]string, len(props))
	for k, raw := range props {
		if len(raw) == 0 {
			continue
		}
		switch raw[0] {
		case '"':
			if s, ok := jsonString(raw); ok {
				p[k] = s
			}
		case '{', '[', 'n':
		default:
			if numbers {
				p[k] = string(raw)
			}
		}
	}
	return p
}

// scalar returns a JSON string or number as text, and "" for anything else.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		s, _ := jsonString(raw)
		return strings.TrimSpace(s)
	case '{', '[', 'n', 't', 'f':
		return ""
	}
	return string(raw)
}

// jsonString decodes a JSON string taken from a valid document, without the decoder when it has
// no escapes.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && !bytes.ContainsRune(raw, '\\') && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err == nil
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// cleanName decodes HTML entities, trims and collapses whitespace; "Unknown" is no name.
func cleanName(s string) string {
	s = collapse(tabular.Unescape(s))
	if strings.EqualFold(s, "unknown") {
		return ""
	}
	return s
}

func cleanPostcode(s string) string { return strings.ToUpper(collapse(s)) }
