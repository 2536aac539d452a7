package linkworkers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/spatlas/spatlas/internal/spatlas"
)

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
	catchment := readProperties(rc, ft.Properties, names)
	if rc.problem != "" {
		return
	}
	if rc.f[fID] == "" && ft.ID != nil {
		rc.f[fID], _ = scalar(ft.ID)
	}
	if g := bytes.TrimSpace(ft.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
		if rc.problem = readGeometry(rc, g, srid); rc.problem != "" {
			return
		}
	}
	if catchment != nil {
		rc.problem = readCatchment(rc, catchment, srid)
	}
}

// readProperties fills the record's fields from a feature's properties, matched by name after
// trimming and case folding, and returns the catchment property, if any.
func readProperties(rc *record, properties map[string]any, names *[nFields][]string) (catchment any) {
	props := make(map[string]any, len(properties))
	for k, v := range properties {
		props[strings.ToLower(strings.TrimSpace(k))] = v
	}
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
				return nil
			}
			rc.f[i] = strings.TrimSpace(s)
			break
		}
	}
	return catchment
}

// readGeometry takes a feature's geometry as the record's location (a Point) or catchment (a
// Polygon or MultiPolygon), or says why it cannot.
func readGeometry(rc *record, raw []byte, srid int) string {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return fmt.Sprintf("geometry: %v", err)
	}
	switch v := g.Geometry().(type) {
	case orb.Point:
		rc.point = &spatlas.Location{X: v[0], Y: v[1], SRID: srid}
	case orb.Polygon, orb.MultiPolygon:
		rc.area, rc.areaSRID = v, srid
	default:
		return fmt.Sprintf("geometry is a %s: give a Point (the location), a Polygon or a MultiPolygon (the catchment)", g.Type)
	}
	return ""
}

// readCatchment takes a catchment property holding a GeoJSON Polygon or MultiPolygon as the
// record's catchment, or says why it cannot.
func readCatchment(rc *record, catchment any, srid int) string {
	if rc.area != nil {
		return "the feature has a polygon geometry and a catchment property: give the catchment once"
	}
	b, err := json.Marshal(catchment)
	if err != nil {
		return fmt.Sprintf("catchment: %v", err)
	}
	g, err := geojson.UnmarshalGeometry(b)
	if err != nil {
		return fmt.Sprintf("catchment is not a GeoJSON geometry: %v", err)
	}
	switch v := g.Geometry().(type) {
	case orb.Polygon, orb.MultiPolygon:
		rc.area, rc.areaSRID = v, srid
	default:
		return fmt.Sprintf("catchment is a %s: give a Polygon or MultiPolygon", g.Type)
	}
	return ""
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
