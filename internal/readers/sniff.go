package readers

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Content formats Sniff tells apart. A content format names what the bytes are; the reader that
// takes them also depends on the kind of provision (a GeoJSON file may hold assets or services).
const (
	ContentGeoJSON  = "geojson"  // a GeoJSON FeatureCollection or Feature
	ContentOSM      = "osm"      // OpenStreetMap data as GeoJSON (osmtogeojson, Overpass Turbo)
	ContentOverpass = "overpass" // Overpass API JSON
	ContentORUK     = "oruk"     // Open Referral UK JSON: a list, a page or one record
	ContentCSV      = "csv"      // comma-separated values with a header line
)

// SniffSize is how much of the start of a file Sniff needs.
const SniffSize = 64 << 10

// Sniff says which content format the start of a file is in, or "" when it cannot tell. head is
// the first SniffSize bytes or fewer (the whole file when it is shorter), already decompressed.
//
//   - A JSON array is Open Referral UK (a bare list of services: GeoJSON is never an array).
//   - A JSON object is told by its top-level members, in the order they come: elements is
//     Overpass; features, or a type of FeatureCollection, Feature or a geometry, is GeoJSON
//     (OpenStreetMap GeoJSON when the first features have ids such as "node/123"); contents,
//     content, services, service_at_locations, service, organization or status is Open
//     Referral UK.
//   - Text whose first line is not JSON and holds no control characters is CSV.
func Sniff(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return ""
	}
	switch trimmed[0] {
	case '[':
		return ContentORUK
	case '{':
		return sniffObject(trimmed)
	}
	if isTextLine(trimmed) {
		return ContentCSV
	}
	return ""
}

// sniffObject tells a JSON object's format by its top-level members.
func sniffObject(head []byte) string {
	dec := json.NewDecoder(bytes.NewReader(head))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch tok {
		case "elements":
			return ContentOverpass
		case "features":
			return geoJSONOrOSM(head)
		case "contents", "content", "services", "service_at_locations", "service", "organization", "status":
			return ContentORUK
		case "type":
			var t string
			if dec.Decode(&t) == nil && isGeoJSONType(t) {
				return geoJSONOrOSM(head)
			}
			continue
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// isGeoJSONType says whether t is the type of a GeoJSON object; a bare geometry is GeoJSON too,
// so that its reader can say what is wrong with it.
func isGeoJSONType(t string) bool {
	switch t {
	case "FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
		"Polygon", "MultiPolygon", "GeometryCollection":
		return true
	}
	return false
}

func geoJSONOrOSM(head []byte) string {
	if hasOSMID(head) {
		return ContentOSM
	}
	return ContentGeoJSON
}

// hasOSMID says whether "id" or "@id" is followed by an OpenStreetMap id string in b.
func hasOSMID(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`id"`))
		if j < 0 {
			return false
		}
		i += j + len(`id"`)
		k := i - len(`id"`) - 1 // the byte before id
		if k < 0 || (b[k] != '"' && b[k] != '@') {
			continue
		}
		rest := bytes.TrimLeft(b[i:], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		for _, p := range []string{`"node/`, `"way/`, `"relation/`} {
			if bytes.HasPrefix(rest, []byte(p)) {
				return true
			}
		}
	}
}

// isTextLine says whether the first line of b is text: valid UTF-8 (or, for the Windows code
// pages older files use, bytes above 0x7f) with no control characters but tab.
func isTextLine(b []byte) bool {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimRight(b, "\r")
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
		b = b[n:]
	}
	return true
}
