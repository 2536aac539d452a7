package geoassets

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// fill sets the name, address, postcode, URL and hints of a from properties p.
func (b *builder) fill(a *spatlas.Asset, p map[string]string) {
	a.Name = cleanName(lookup(p, b.o.NameProps))
	a.Postcode = cleanPostcode(lookup(p, b.o.PostcodeProps))
	a.URL = strings.TrimSpace(lookup(p, b.o.URLProps))
	for _, n := range b.o.AddressProps {
		if n == addrParts {
			a.Address = osmAddress(p)
		} else {
			a.Address = collapse(lookup(p, []string{n}))
		}
		if a.Address != "" {
			break
		}
	}
	a.Hints.Name = a.Name
	for _, n := range b.o.LabelProps {
		l := collapse(lookup(p, []string{n}))
		if l != "" && !contains(a.Hints.Labels, l) {
			a.Hints.Labels = append(a.Hints.Labels, l)
		}
	}
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
// then ignoring case.
func lookup(p map[string]string, names []string) string {
	for _, n := range names {
		if v := p[n]; v != "" {
			return v
		}
	}
	for _, n := range names {
		for k, v := range p {
			if v != "" && strings.EqualFold(k, n) {
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

// cleanName trims and collapses whitespace; "Unknown" is no name.
func cleanName(s string) string {
	s = collapse(s)
	if strings.EqualFold(s, "unknown") {
		return ""
	}
	return s
}

func cleanPostcode(s string) string { return strings.ToUpper(collapse(s)) }
