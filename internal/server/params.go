package server

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Limits of the items parameters.
const (
	defaultLimit = 100
	maxLimit     = 10000
	maxZoom      = 22
)

// crs84 is the only coordinate reference system spatlas serves: WGS 84 longitude, latitude.
const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// itemsParamNames are the parameters of /items besides the queryable properties.
func itemsParamNames() []string {
	return []string{"bbox", "bbox-crs", "datetime", "f", "limit", "offset", "properties", "zoom"}
}

// itemParamNames are the parameters of /items/{featureId}.
func itemParamNames() []string { return []string{"f", "properties", "zoom"} }

// parseQuery parses a query string. Malformed escapes, a parameter given more than once and a
// format other than json are EINVALID.
func parseQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "malformed query string: %v", err)
	}
	for _, k := range sortedKeys(v) {
		if n := len(v[k]); n > 1 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "parameter %q is given %d times; give it once", clip(k), n)
		}
	}
	if f, ok := v["f"]; ok && f[0] != "json" {
		return nil, spatlas.Errorf(spatlas.EINVALID, "unsupported format f=%q (supported: json)", clip(f[0]))
	}
	return v, nil
}

// parseOnly parses a query string that may hold only the named parameters.
func parseOnly(raw string, allowed ...string) (url.Values, error) {
	v, err := parseQuery(raw)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(v) {
		if !slices.Contains(allowed, k) {
			return nil, spatlas.Errorf(spatlas.EINVALID, "unknown query parameter %q (allowed: %s)",
				clip(k), strings.Join(allowed, ", "))
		}
	}
	return v, nil
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseItemsQuery checks the parameters of an items request against the collection and returns
// the store query. Filters come out sorted by property name, properties in publication order.
func parseItemsQuery(c spatlas.Collection, raw string) (spatlas.FeatureQuery, error) {
	q := spatlas.FeatureQuery{Collection: c, Limit: defaultLimit}
	v, err := parseQuery(raw)
	if err != nil {
		return q, err
	}
	for _, k := range sortedKeys(v) {
		val := v[k][0]
		switch k {
		case "f":
		case "bbox":
			q.BBox, err = parseBBox(val)
		case "bbox-crs":
			if val != crs84 {
				err = spatlas.Errorf(spatlas.EINVALID, "unsupported bbox-crs %q (supported: %s)", clip(val), crs84)
			}
		case "datetime":
			err = checkDatetime(val)
		case "limit":
			q.Limit, err = parseLimit(val)
		case "offset":
			q.Offset, err = parseOffset(val)
		case "properties":
			q.Properties, err = parseProperties(c, val)
		case "zoom":
			q.Zoom, err = parseZoom(val)
		default:
			var f spatlas.Filter
			f, err = parseFilter(c, k, val)
			q.Filters = append(q.Filters, f)
		}
		if err != nil {
			return spatlas.FeatureQuery{}, err
		}
	}
	return q, nil
}

// itemRequest is a checked single-feature request.
type itemRequest struct {
	id         string
	zoom       *int
	properties []string
}

// parseItemQuery checks the parameters of a single-feature request and its feature id, as the
// path gives it (escaped or not); an id the database cannot hold is ENOTFOUND.
func parseItemQuery(c spatlas.Collection, raw, pathID string) (itemRequest, error) {
	var req itemRequest
	v, err := parseOnly(raw, itemParamNames()...)
	if err != nil {
		return req, err
	}
	if s, ok := v["zoom"]; ok {
		if req.zoom, err = parseZoom(s[0]); err != nil {
			return itemRequest{}, err
		}
	}
	if s, ok := v["properties"]; ok {
		if req.properties, err = parseProperties(c, s[0]); err != nil {
			return itemRequest{}, err
		}
	}
	req.id = pathID
	if u, err := url.PathUnescape(pathID); err == nil {
		req.id = u
	}
	if !validText(req.id) {
		return itemRequest{}, spatlas.Errorf(spatlas.ENOTFOUND, "no feature %q in collection %q", clip(req.id), c.ID)
	}
	return req, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat in CRS84.
func parseBBox(s string) (*[4]float64, error) {
	parts := strings.Split(s, ",")
	switch len(parts) {
	case 4:
	case 6:
		return nil, spatlas.Errorf(spatlas.EINVALID, "3D bbox not supported: give minLon,minLat,maxLon,maxLat")
	default:
		return nil, spatlas.Errorf(spatlas.EINVALID,
			"bbox must be 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got %q", clip(s))
	}
	var b [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, spatlas.Errorf(spatlas.EINVALID, "bbox: %q is not a number", clip(p))
		}
		b[i] = f
	}
	for _, i := range []int{0, 2} {
		if b[i] < -180 || b[i] > 180 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "bbox: longitude %g is outside -180..180", b[i])
		}
	}
	for _, i := range []int{1, 3} {
		if b[i] < -90 || b[i] > 90 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "bbox: latitude %g is outside -90..90", b[i])
		}
	}
	if b[0] > b[2] {
		return nil, spatlas.Errorf(spatlas.EINVALID, "bbox: minimum longitude %g is greater than maximum %g", b[0], b[2])
	}
	if b[1] > b[3] {
		return nil, spatlas.Errorf(spatlas.EINVALID, "bbox: minimum latitude %g is greater than maximum %g", b[1], b[3])
	}
	return &b, nil
}

func parseLimit(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, spatlas.Errorf(spatlas.EINVALID, "limit must be an integer from 1 to %d, got %q", maxLimit, clip(s))
	}
	return n, nil
}

func parseOffset(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, spatlas.Errorf(spatlas.EINVALID, "offset must be an integer of 0 or more, got %q", clip(s))
	}
	return n, nil
}

func parseZoom(s string) (*int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxZoom {
		return nil, spatlas.Errorf(spatlas.EINVALID, "zoom must be an integer from 0 to %d, got %q", maxZoom, clip(s))
	}
	return &n, nil
}

// parseProperties reads a comma-separated list of property names. An empty value asks for no
// properties (geometry only); the names come back once each, in publication order.
func parseProperties(c spatlas.Collection, s string) ([]string, error) {
	if s == "" {
		return []string{}, nil
	}
	want := make(map[string]bool)
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, spatlas.Errorf(spatlas.EINVALID, "properties: empty property name in %q", clip(s))
		}
		if _, ok := c.Property(name); !ok {
			return nil, spatlas.Errorf(spatlas.EINVALID, "properties: unknown property %q (properties of %s: %s)",
				clip(name), c.ID, strings.Join(propertyNames(c, false), ", "))
		}
		want[name] = true
	}
	out := make([]string, 0, len(want))
	for _, p := range c.Properties {
		if want[p.Name] {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// parseFilter reads name=value: name must be a queryable property and value of its type.
// Numbers are passed on in canonical form.
func parseFilter(c spatlas.Collection, name, value string) (spatlas.Filter, error) {
	p, ok := c.Property(name)
	if !ok {
		return spatlas.Filter{}, spatlas.Errorf(spatlas.EINVALID,
			"unknown query parameter %q (allowed: %s, and the queryable properties %s)",
			clip(name), strings.Join(itemsParamNames(), ", "), strings.Join(propertyNames(c, true), ", "))
	}
	if !p.Queryable {
		return spatlas.Filter{}, spatlas.Errorf(spatlas.EINVALID,
			"property %q of %s cannot be used as a filter (queryable properties: %s)",
			name, c.ID, strings.Join(propertyNames(c, true), ", "))
	}
	switch p.Type {
	case spatlas.TypeString:
		if !validText(value) {
			return spatlas.Filter{}, spatlas.Errorf(spatlas.EINVALID, "%s: %q is not valid UTF-8 text", name, clip(value))
		}
	case spatlas.TypeInteger:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return spatlas.Filter{}, spatlas.Errorf(spatlas.EINVALID, "%s must be an integer, got %q", name, clip(value))
		}
		value = strconv.FormatInt(n, 10)
	case spatlas.TypeNumber:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return spatlas.Filter{}, spatlas.Errorf(spatlas.EINVALID, "%s must be a number, got %q", name, clip(value))
		}
		value = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return spatlas.Filter{Property: name, Value: value}, nil
}

// propertyNames lists the collection's properties, or only its queryable ones.
func propertyNames(c spatlas.Collection, queryableOnly bool) []string {
	var names []string
	for _, p := range c.Properties {
		if !queryableOnly || p.Queryable {
			names = append(names, p.Name)
		}
	}
	return names
}

// checkDatetime checks an OGC API datetime parameter: an RFC 3339 date-time or date, or an
// interval of two with ".." or nothing for an open end. Areas and their deprivation have no time
// of their own (an edition is a snapshot), so a well-formed datetime selects every feature.
func checkDatetime(s string) error {
	parts := strings.Split(s, "/")
	if len(parts) > 2 || (len(parts) == 2 && (parts[0] == ".." || parts[0] == "") && (parts[1] == ".." || parts[1] == "")) {
		return spatlas.Errorf(spatlas.EINVALID, "datetime %q: want an instant or an interval start/end", clip(s))
	}
	for _, p := range parts {
		if len(parts) == 2 && (p == ".." || p == "") {
			continue
		}
		if _, err := time.Parse(time.RFC3339, p); err == nil {
			continue
		}
		if _, err := time.Parse(time.DateOnly, p); err == nil {
			continue
		}
		return spatlas.Errorf(spatlas.EINVALID, "datetime %q: %q is not an RFC 3339 date-time or date", clip(s), clip(p))
	}
	return nil
}

// validText reports whether s is text the database can hold: valid UTF-8 without NUL.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
