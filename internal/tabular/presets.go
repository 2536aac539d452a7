package tabular

import (
	"html"
	"strings"
	"unicode"
)

// Presets are the column (or property) names looked for, in order, when a mapping leaves a field
// out. Every reader of assets shares them: CSV columns, GeoJSON properties and Open Referral UK
// fields go by the same names. Names match whatever their case, spacing and punctuation
// ("Site Name" is site_name; see PresetKey).
type Presets struct {
	ID, Name, Category, Postcode, URL, Lon, Lat, Easting, Northing []string
	// Address lists sets of columns to join with ", ", the first set the file has any of.
	Address [][]string
}

// DefaultPresets returns the names of the common open-data layouts: council open data portals,
// the Charity Commission, NHS ODS, OpenStreetMap exports.
func DefaultPresets() Presets {
	return Presets{
		ID: []string{"id", "site_id", "registered_charity_number", "uid", "identifier", "organisation_code", "ods_code", "fid", "objectid"},
		Name: []string{"name", "site_name", "charity_name", "title", "organisation_name", "organisation", "org_name",
			"facility_name", "venue_name", "service_name", "place_name", "asset_name", "club_name", "distname"},
		Category: []string{"category", "type", "facility_type", "site_type", "classification", "classifica", "service_type",
			"asset_type", "facility", "amenity", "leisure"},
		Postcode: []string{"postcode", "post_code", "postal_code", "charity_contact_postcode", "pcds", "zip", "addr:postcode"},
		URL:      []string{"url", "website", "web", "charity_contact_web", "contact:website", "homepage"},
		Lon:      []string{"lon", "lng", "long", "longitude"},
		Lat:      []string{"lat", "latitude"},
		Easting:  []string{"easting", "eastings"},
		Northing: []string{"northing", "northings"},
		Address: [][]string{
			{"address"}, {"charity_contact_address"}, {"address_1", "address_2", "address_3"},
			{"address1", "address2", "address3"}, {"address_line_1", "address_line_2", "address_line_3"},
			{"street", "town"},
		},
	}
}

// PresetKey is the form names are compared in: letters and digits only, lower case, so that
// "Site Name", "site_name" and "SITE-NAME" are one name.
func PresetKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// presetColumn returns the index of the first of names that header has, or -1.
func presetColumn(header []string, names []string) int {
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = PresetKey(h)
	}
	for _, n := range names {
		k := PresetKey(n)
		for i, hk := range keys {
			if hk == k && k != "" {
				return i
			}
		}
	}
	return -1
}

// Unescape decodes the HTML entities some exports leave in names ("St Mary&apos;s",
// "Tea &amp; Chat").
func Unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// Or returns m with the fields it leaves empty taken from d.
func (m Mapping) Or(d Mapping) Mapping {
	or := func(a *string, b string) {
		if strings.TrimSpace(*a) == "" {
			*a = b
		}
	}
	or(&m.ID, d.ID)
	or(&m.Name, d.Name)
	or(&m.Category, d.Category)
	or(&m.Postcode, d.Postcode)
	or(&m.URL, d.URL)
	or(&m.Lon, d.Lon)
	or(&m.Lat, d.Lat)
	or(&m.Easting, d.Easting)
	or(&m.Northing, d.Northing)
	or(&m.CategoryFixed, d.CategoryFixed)
	or(&m.CategoryDefault, d.CategoryDefault)
	if len(m.Address) == 0 {
		m.Address = d.Address
	}
	if len(m.Labels) == 0 {
		m.Labels = d.Labels
	}
	m.Exclude = append(m.Exclude, d.Exclude...)
	return m
}

// The NHS ODS epraccur layout (GP practices and prescribing cost centres): 27 fields and no
// header row. Field 1 is the organisation code, 2 the name, 5 to 9 the address, 10 the postcode,
// 11 and 12 the open and close dates (YYYYMMDD), 13 the status code (A active, C closed, D
// dormant, P proposed), 26 the prescribing setting (4 a GP practice).
const epraccurFields = 27

// IsEpraccur says whether the first row of a CSV file is a record of the NHS ODS epraccur
// layout rather than a header.
func IsEpraccur(row []string) bool {
	if len(row) != epraccurFields {
		return false
	}
	f := func(i int) string { return strings.TrimSpace(row[i-1]) }
	switch f(13) {
	case "A", "C", "D", "P":
	default:
		return false
	}
	return isODSCode(f(1)) && looksLikePostcode(f(10)) && isDate(f(11))
}

// isODSCode says whether s is 3 to 8 capital letters and digits.
func isODSCode(s string) bool {
	return len(s) >= 3 && len(s) <= 8 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

// looksLikePostcode says whether s has the shape of a UK postcode: an outward code of 2 to 4
// letters and digits starting with a letter, and an inward code of a digit and two letters.
func looksLikePostcode(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 5 || len(s) > 7 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	in := s[len(s)-3:]
	return in[0] >= '0' && in[0] <= '9' && strings.Trim(in[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" &&
		strings.Trim(s[:len(s)-3], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

// isDate says whether s is a date written YYYYMMDD.
func isDate(s string) bool {
	return len(s) == 8 && (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")) && strings.Trim(s, "0123456789") == ""
}

// EpraccurMapping reads the NHS ODS epraccur layout: active GP practices are health services;
// closed, dormant and proposed ones, and prescribing settings other than GP practices, are
// excluded with the reason.
func EpraccurMapping() Mapping {
	return Mapping{
		ID: "1", Name: "2", Address: Columns{"5", "6", "7", "8", "9"}, Postcode: "10",
		CategoryFixed: "health-services",
		Exclude: []Exclude{
			{Column: "13", Values: []string{"C"}, Reason: "closed"},
			{Column: "13", Values: []string{"D"}, Reason: "dormant"},
			{Column: "13", Values: []string{"P"}, Reason: "proposed, not yet open"},
			{Column: "26", Except: []string{"4"}, Reason: "not a GP practice: prescribing setting"},
		},
	}
}
