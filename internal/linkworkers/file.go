package linkworkers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// The fields of a services file, each with the column or property names it is read from (after
// trimming and case folding). name, provider_type and fte are required.
const (
	fID = iota
	fName
	fProvider
	fFTE
	fCaseload
	fLat
	fLon
	fEasting
	fNorthing
	fPostcode
	fAddress
	fURL
	fPCN
	fPractice
	fCatchment
	nFields
)

// fieldNames returns the accepted names of each field, the first being the documented one.
func fieldNames() [nFields][]string {
	return [nFields][]string{
		fID:        {"id", "service_id", "source_id"},
		fName:      {"name", "service_name", "service name"},
		fProvider:  {"provider_type", "provider type", "providertype", "provider"},
		fFTE:       {"fte", "link_worker_fte"},
		fCaseload:  {"caseload"},
		fLat:       {"lat", "latitude"},
		fLon:       {"lon", "lng", "long", "longitude"},
		fEasting:   {"easting", "eastings"},
		fNorthing:  {"northing", "northings"},
		fPostcode:  {"postcode", "post_code", "postal_code"},
		fAddress:   {"address"},
		fURL:       {"url", "website"},
		fPCN:       {"pcn_code"},
		fPractice:  {"practice_code"},
		fCatchment: {"catchment_wkt", "catchment"},
	}
}

// record is one row or feature of a services file, as text, before it is checked.
type record struct {
	row int
	f   [nFields]string
	// point is the location a GeoJSON Point geometry gives, if any.
	point *spatlas.Location
	// area is the catchment polygon or multipolygon, if any, in areaSRID (0: the row's CRS).
	area     orb.Geometry
	areaSRID int
	// problem, when not "", is why the row is rejected, found while reading its format.
	problem string
}

// ReadServices reads a services CSV file: one service per record, with the columns
//
//	name, provider_type, fte                  required
//	caseload                                  optional whole number >= 0
//	lat/latitude and lon/lng/longitude        WGS84 degrees (SRID 4326), or
//	easting and northing                      British National Grid metres (EPSG:27700), or
//	postcode                                  looked up in pc
//	catchment_wkt                             optional WKT POLYGON or MULTIPOLYGON, in the
//	                                          row's coordinates (degrees or metres; EWKT's
//	                                          SRID=4326; or SRID=27700; prefix is read too)
//	id, pcn_code, practice_code, address, url optional
//
// provider_type is pcn, vcs, la or other, or a common spelling of one ("VCSE", "voluntary",
// "local authority", "council", ...). fte is a decimal number >= 0.
//
// Row is the line of the record. A row with a bad value (an unknown provider type, an fte that is
// not a number, coordinates spatlas.CheckLonLat or spatlas.CheckEastingNorthing refuses, a
// catchment that is not a closed polygon in the row's coordinates) is Rejected with the reason.
// The location is taken from coordinates first, then from the postcode; a row with neither, or
// whose postcode pc cannot place (or with no pc), is placed at its catchment's centroid when it
// has a catchment, and is Unlocated otherwise. Records whose fields are all empty are skipped
// and not counted. A file without a name, provider_type or fte column, or that is not CSV, is
// an EINVALID error naming the file and line.
func ReadServices(dataset, file string, r io.Reader, pc spatlas.Postcodes) (*spatlas.Import, error) {
	c, err := textio.NewCSVReader(file, r)
	if err != nil {
		return nil, err
	}
	names := fieldNames()
	var col [nFields]int
	for i, alts := range names {
		col[i] = -1
		for _, a := range alts {
			if j := c.Column(a); j >= 0 {
				col[i] = j
				break
			}
		}
	}
	for _, i := range []int{fName, fProvider, fFTE} {
		if col[i] < 0 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: missing column %q (the header has %s); a services file needs name, provider_type and fte",
				file, names[i][0], headerList(c.Header()))
		}
	}
	im := &spatlas.Import{Dataset: dataset, File: file}
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		rec := c.Record()
		if textio.BlankRecord(rec) {
			continue
		}
		rc := record{row: c.Line()}
		for i, j := range col {
			if j >= 0 {
				rc.f[i] = strings.TrimSpace(rec[j])
			}
		}
		if s := rc.f[fCatchment]; s != "" {
			rc.area, rc.areaSRID, rc.problem = parseWKT(s)
		}
		im.RowsRead++
		place(im, &rc, pc)
	}
	return im, nil
}

func headerList(h []string) string {
	if len(h) == 0 {
		return "no columns"
	}
	q := make([]string, len(h))
	for i, s := range h {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// parseWKT parses a catchment polygon written as WKT, or as EWKT with an SRID of 4326 or 27700
// ("SRID=27700;POLYGON(...)"); srid is 0 when the text does not say.
func parseWKT(s string) (g orb.Geometry, srid int, problem string) {
	if head, rest, ok := strings.Cut(s, ";"); ok && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(head)), "SRID=") {
		switch strings.TrimSpace(head[strings.Index(head, "=")+1:]) {
		case "4326":
			srid = spatlas.SRIDWGS84
		case "27700":
			srid = spatlas.SRIDBNG
		default:
			return nil, 0, fmt.Sprintf("catchment_wkt has %s: give SRID=4326, SRID=27700 or no SRID", strings.TrimSpace(head))
		}
		s = rest
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, 0, fmt.Sprintf("catchment_wkt is not WKT (%v): give a POLYGON or MULTIPOLYGON", err)
	}
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return g, srid, ""
	}
	return nil, 0, fmt.Sprintf("catchment_wkt is a %s: give a POLYGON or MULTIPOLYGON", strings.ToUpper(g.GeoJSONType()))
}

// ReadServicesGeoJSON reads a services GeoJSON file: a FeatureCollection (or one Feature) whose
// features have the properties ReadServices reads as columns. Row is the feature's 1-based
// number; the id is the id property, else the feature's id. The geometry may be
//
//   - a Point: the location (the lat/lon, easting/northing and postcode properties are then not
//     used);
//   - a Polygon or MultiPolygon: the catchment; the location is then taken from the properties
//     (lat/lon, easting/northing, postcode), else it is the polygon's centroid;
//   - null: the location is taken from the properties.
//
// A catchment property may hold a GeoJSON Polygon or MultiPolygon geometry instead (not both).
// Geometries are WGS84 longitude and latitude (RFC 7946), unless the file has the old "crs"
// member naming EPSG:27700, when they are easting and northing. A file that is not JSON, or not
// a FeatureCollection or Feature, is an EINVALID error naming the file and line.
func ReadServicesGeoJSON(dataset, file string, r io.Reader, pc spatlas.Postcodes) (*spatlas.Import, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", file, err)
	}
	var doc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
		CRS      *struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"crs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(file, data, err)
	}
	srid := spatlas.SRIDWGS84
	if doc.CRS != nil {
		switch n := doc.CRS.Properties.Name; {
		case strings.HasSuffix(n, ":27700"):
			srid = spatlas.SRIDBNG
		case strings.HasSuffix(n, ":4326"), strings.HasSuffix(n, "CRS84"), n == "":
		default:
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: crs %q is not supported: give WGS84 (EPSG:4326) or British National Grid (EPSG:27700)", file, n)
		}
	}
	switch doc.Type {
	case "FeatureCollection":
	case "Feature":
		doc.Features = []json.RawMessage{data}
	default:
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: not a GeoJSON FeatureCollection or Feature (type %q)", file, doc.Type)
	}
	im := &spatlas.Import{Dataset: dataset, File: file}
	names := fieldNames()
	for i, raw := range doc.Features {
		rc := record{row: i + 1}
		im.RowsRead++
		readFeature(&rc, raw, srid, &names)
		place(im, &rc, pc)
	}
	return im, nil
}

// jsonError names the line of a JSON syntax error.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))):
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: not valid JSON: the file ends early",
			file, lineAt(data, int64(len(bytes.TrimRight(data, " \t\r\n")))))
	case errors.As(err, &se):
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: not valid JSON: %v", file, lineAt(data, se.Offset), err)
	case errors.As(err, &te):
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: not GeoJSON: %s is %s, not %s", file, lineAt(data, te.Offset), te.Field, te.Value, te.Type)
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: %v", file, err)
}

func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// readFeature fills a record from one GeoJSON feature.
func readFeature(rc *record, raw json.RawMessage, srid int, names *[nFields][]string) {
	var ft struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&ft); err != nil {
		rc.problem = fmt.Sprintf("not a GeoJSON feature: %v", err)
		return
	}
	if ft.Type != "Feature" {
		rc.problem = fmt.Sprintf("not a GeoJSON feature (type %q)", ft.Type)
		return
	}
	props := make(map[string]any, len(ft.Properties))
	for k, v := range ft.Properties {
		props[strings.ToLower(strings.TrimSpace(k))] = v
	}
	var catchment any
	for i, alts := range names {
		for _, a := range alts {
			v, ok := props[a]
			if !ok || v == nil {
				continue
			}
			if i == fCatchment {
				catchment = v
				break
			}
			s, ok := scalar(v)
			if !ok {
				rc.problem = fmt.Sprintf("property %q is not a string or number", a)
				return
			}
			rc.f[i] = strings.TrimSpace(s)
			break
		}
	}
	if rc.f[fID] == "" && ft.ID != nil {
		rc.f[fID], _ = scalar(ft.ID)
	}

	if g := bytes.TrimSpace(ft.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
		geom, err := geojson.UnmarshalGeometry(g)
		if err != nil {
			rc.problem = fmt.Sprintf("geometry: %v", err)
			return
		}
		switch v := geom.Geometry().(type) {
		case orb.Point:
			rc.point = &spatlas.Location{X: v[0], Y: v[1], SRID: srid}
		case orb.Polygon, orb.MultiPolygon:
			rc.area, rc.areaSRID = v, srid
		default:
			rc.problem = fmt.Sprintf("geometry is a %s: give a Point (the location), a Polygon or a MultiPolygon (the catchment)", geom.Type)
			return
		}
	}
	if catchment != nil {
		if rc.area != nil {
			rc.problem = "the feature has a polygon geometry and a catchment property: give the catchment once"
			return
		}
		b, err := json.Marshal(catchment)
		if err != nil {
			rc.problem = fmt.Sprintf("catchment: %v", err)
			return
		}
		geom, err := geojson.UnmarshalGeometry(b)
		if err != nil {
			rc.problem = fmt.Sprintf("catchment is not a GeoJSON geometry: %v", err)
			return
		}
		switch v := geom.Geometry().(type) {
		case orb.Polygon, orb.MultiPolygon:
			rc.area, rc.areaSRID = v, srid
		default:
			rc.problem = fmt.Sprintf("catchment is a %s: give a Polygon or MultiPolygon", geom.Type)
			return
		}
	}
}

// scalar returns a JSON string, number or boolean as text.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// place checks one record and adds it to exactly one of the import's lists.
func place(im *spatlas.Import, rc *record, pc spatlas.Postcodes) {
	f := &rc.f
	issue := func(reason string) spatlas.RowIssue {
		return spatlas.RowIssue{Row: rc.row, ID: f[fID], Name: f[fName], Postcode: f[fPostcode], Reason: reason}
	}
	reject := func(format string, args ...any) {
		im.Rejected = append(im.Rejected, issue(fmt.Sprintf(format, args...)))
	}
	if rc.problem != "" {
		reject("%s", rc.problem)
		return
	}
	if f[fName] == "" {
		reject("name is empty")
		return
	}
	provider, ok := ProviderType(f[fProvider])
	if !ok {
		reject("provider_type %q is not one of pcn, vcs, la, other (or a common spelling such as VCSE, voluntary, local authority, council)", f[fProvider])
		return
	}
	if f[fFTE] == "" {
		reject("fte is empty: give the service's link worker full-time equivalent, a number >= 0")
		return
	}
	fte, err := strconv.ParseFloat(f[fFTE], 64)
	if err != nil || math.IsNaN(fte) || math.IsInf(fte, 0) {
		reject("fte %q is not a number", f[fFTE])
		return
	}
	if fte < 0 {
		reject("fte %s is negative", f[fFTE])
		return
	}
	var caseload *int64
	if s := f[fCaseload]; s != "" {
		n, ok := wholeNumber(s)
		if !ok {
			reject("caseload %q is not a whole number", s)
			return
		}
		if n < 0 {
			reject("caseload %s is negative", s)
			return
		}
		caseload = &n
	}

	// The location: a point geometry, coordinates, or a postcode.
	var loc spatlas.Location
	located, why := false, ""
	switch {
	case rc.point != nil:
		loc, located = *rc.point, true
		if bad := checkLocation(loc); bad != "" {
			reject("geometry: %s", bad)
			return
		}
	case f[fLat] != "" || f[fLon] != "":
		lon, lat, bad := pair(f[fLon], f[fLat], "lon", "lat")
		if bad == "" {
			bad = spatlas.CheckLonLat(lon, lat)
		}
		if bad != "" {
			reject("%s", bad)
			return
		}
		loc, located = spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, true
	case f[fEasting] != "" || f[fNorthing] != "":
		e, n, bad := pair(f[fEasting], f[fNorthing], "easting", "northing")
		if bad == "" {
			bad = spatlas.CheckEastingNorthing(e, n)
		}
		if bad != "" {
			reject("%s", bad)
			return
		}
		loc, located = spatlas.Location{X: e, Y: n, SRID: spatlas.SRIDBNG}, true
	case f[fPostcode] != "" && pc != nil:
		lon, lat, ok := pc.Lookup(f[fPostcode])
		if !ok {
			why = fmt.Sprintf("postcode %q is not in the postcode lookup", f[fPostcode])
			break
		}
		if bad := spatlas.CheckLonLat(lon, lat); bad != "" {
			reject("postcode %q: %s", f[fPostcode], bad)
			return
		}
		loc, located = spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, true
	case f[fPostcode] != "":
		why = "located by postcode only, and no postcode lookup is loaded"
	default:
		why = "no location: give lat and lon, easting and northing, or a postcode"
	}

	var catchment []byte
	if rc.area != nil {
		srid := rc.areaSRID
		if srid == 0 {
			srid = guessSRID(rc.area)
		}
		if located && srid != loc.SRID {
			reject("the catchment is in %s but the location is in %s: give both in the same coordinates", crsName(srid), crsName(loc.SRID))
			return
		}
		if bad := checkArea(rc.area, srid); bad != "" {
			reject("catchment: %s", bad)
			return
		}
		b, err := wkb.Marshal(rc.area)
		if err != nil {
			reject("catchment: %v", err)
			return
		}
		catchment = b
		if !located {
			c, _ := planar.CentroidArea(rc.area)
			loc, located = spatlas.Location{X: c[0], Y: c[1], SRID: srid}, true
			if bad := checkLocation(loc); bad != "" {
				reject("the catchment's centroid, used as the location: %s", bad)
				return
			}
		}
	}
	if !located {
		im.Unlocated = append(im.Unlocated, issue(why))
		return
	}
	im.Services = append(im.Services, spatlas.Service{
		Dataset: im.Dataset, File: im.File, SourceID: f[fID], Row: rc.row,
		Name: f[fName], ProviderType: provider, PCNCode: f[fPCN], PracticeCode: f[fPractice],
		FTE: fte, Caseload: caseload, Address: f[fAddress], Postcode: f[fPostcode], URL: f[fURL],
		Loc: loc, Catchment: catchment,
	})
}

// ProviderType returns the provider type (one of spatlas.ProviderTypes) that s names, written
// as the type itself or a common spelling, case folded: "PCN", "primary care network"; "VCS",
// "VCSE", "VCFSE", "voluntary", "voluntary and community sector", "charity", "third sector";
// "LA", "local authority", "council"; "other".
func ProviderType(s string) (string, bool) {
	k := strings.ToLower(s)
	k = strings.NewReplacer("_", " ", "-", " ", "/", " ", "&", " and ", ",", " ").Replace(k)
	k = strings.Join(strings.Fields(k), " ")
	switch k {
	case "pcn", "primary care network", "primary care networks", "nhs pcn":
		return spatlas.ProviderPCN, true
	case "vcs", "vcse", "vcfs", "vcfse", "voluntary", "voluntary sector", "voluntary and community",
		"voluntary and community sector", "voluntary community sector", "voluntary and community organisation",
		"voluntary community and social enterprise", "voluntary community faith and social enterprise",
		"charity", "third sector", "community":
		return spatlas.ProviderVCS, true
	case "la", "local authority", "council", "local council", "city council", "county council", "borough council":
		return spatlas.ProviderLA, true
	case "other":
		return spatlas.ProviderOther, true
	}
	return "", false
}

// wholeNumber parses a whole number, with or without thousands separators ("1,200").
func wholeNumber(s string) (int64, bool) {
	t := s
	if strings.Contains(s, ",") {
		digits := strings.TrimLeft(s, "+-")
		groups := strings.Split(digits, ",")
		for i, g := range groups {
			if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
				return 0, false
			}
		}
		t = strings.ReplaceAll(s, ",", "")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// pair parses two coordinates, both required.
func pair(xs, ys, xName, yName string) (x, y float64, bad string) {
	switch {
	case xs == "":
		return 0, 0, fmt.Sprintf("%s is given without %s", yName, xName)
	case ys == "":
		return 0, 0, fmt.Sprintf("%s is given without %s", xName, yName)
	}
	x, err := strconv.ParseFloat(xs, 64)
	if err != nil {
		return 0, 0, fmt.Sprintf("%s %q is not a number", xName, xs)
	}
	y, err = strconv.ParseFloat(ys, 64)
	if err != nil {
		return 0, 0, fmt.Sprintf("%s %q is not a number", yName, ys)
	}
	return x, y, ""
}

func checkLocation(l spatlas.Location) string {
	if l.SRID == spatlas.SRIDBNG {
		return spatlas.CheckEastingNorthing(l.X, l.Y)
	}
	return spatlas.CheckLonLat(l.X, l.Y)
}

func crsName(srid int) string {
	if srid == spatlas.SRIDBNG {
		return "easting/northing (EPSG:27700)"
	}
	return "longitude/latitude (EPSG:4326)"
}

// guessSRID says which coordinates a WKT polygon is in: degrees when every vertex could be a
// longitude and latitude, metres otherwise (no easting and northing in England is that small).
func guessSRID(g orb.Geometry) int {
	b := g.Bound()
	if b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 {
		return spatlas.SRIDWGS84
	}
	return spatlas.SRIDBNG
}

// checkArea returns why a catchment polygon cannot be stored in srid, or "".
func checkArea(g orb.Geometry, srid int) string {
	var polys []orb.Polygon
	switch v := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{v}
	case orb.MultiPolygon:
		polys = v
	}
	if len(polys) == 0 {
		return "the polygon is empty"
	}
	for _, p := range polys {
		if len(p) == 0 {
			return "a polygon has no rings"
		}
		for _, r := range p {
			if len(r) < 4 {
				return fmt.Sprintf("a ring has %d points; a ring needs at least 4, the last the same as the first", len(r))
			}
			if r[0] != r[len(r)-1] {
				return "a ring is not closed: its last point must be the same as its first"
			}
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
					return "a vertex is not a number"
				}
			}
		}
	}
	c := g.Bound().Center()
	if bad := checkLocation(spatlas.Location{X: c[0], Y: c[1], SRID: srid}); bad != "" {
		return fmt.Sprintf("its middle, in %s: %s", crsName(srid), bad)
	}
	return ""
}

// LoadFile reads a services file from disk, gzipped or not: GeoJSON when its name ends in
// .geojson or .json (before any .gz), CSV otherwise. File is the file's base name, and Source its
// provenance (sha256 of the file as stored, bytes, rows read).
func LoadFile(dataset, path string, pc spatlas.Postcodes) (*spatlas.Import, error) {
	f, err := textio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	file := filepath.Base(path)
	read := ReadServices
	if ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(file, ".gz"))); ext == ".geojson" || ext == ".json" {
		read = ReadServicesGeoJSON
	}
	im, err := read(dataset, file, f, pc)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	sum, size, err := textio.Checksum(path)
	if err != nil {
		return nil, err
	}
	im.Source = spatlas.SourceFile{Dataset: dataset, File: file, SHA256: sum, Bytes: size, Rows: int64(im.RowsRead)}
	return im, nil
}
