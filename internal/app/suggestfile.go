package app

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/textio"
)

// Names of the uploaded candidate lists, as errors name them.
const (
	candidatesCSVName     = "candidates_csv"
	candidatesGeoJSONName = "candidates_geojson"
)

// CSVCandidates reads a planner's candidate points from CSV text: a header row with lon and lat
// (or longitude and latitude), or easting and northing in British National Grid metres, and an
// optional label (or name) column. A bad row is an error naming its line.
func CSVCandidates(text string) ([]pointIn, error) {
	c, err := textio.NewCSVReader(candidatesCSVName, strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	x, y, grid := firstColumns(c, [][2]string{{"lon", "lat"}, {"longitude", "latitude"}, {"easting", "northing"}})
	if x < 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: want columns lon and lat, or easting and northing (the header has %s)",
			candidatesCSVName, textio.QuoteList(c.Header(), 12))
	}
	label := c.Column("label")
	if label < 0 {
		label = c.Column("name")
	}
	var out []pointIn
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if textio.BlankRecord(c.Record()) {
			continue
		}
		a, okA, err := c.Float(x)
		if err != nil {
			return nil, err
		}
		b, okB, err := c.Float(y)
		if err != nil {
			return nil, err
		}
		if !okA || !okB {
			return nil, c.Errorf("a point needs both %q and %q", c.Header()[x], c.Header()[y])
		}
		if grid {
			a, b = tabular.BNGToWGS84(a, b)
		}
		pt := pointIn{Lon: &a, Lat: &b, where: fmt.Sprintf("%s:%d", candidatesCSVName, c.Line())}
		if label >= 0 {
			pt.Label = strings.TrimSpace(c.Record()[label])
		}
		out = append(out, pt)
	}
	return out, nil
}

// firstColumns returns the indexes of the first pair of columns present, and whether it is the
// grid pair (easting, northing, the last); -1 when none is.
func firstColumns(c *textio.CSVReader, pairs [][2]string) (x, y int, grid bool) {
	for i, p := range pairs {
		if x, y = c.Column(p[0]), c.Column(p[1]); x >= 0 && y >= 0 {
			return x, y, i == len(pairs)-1
		}
	}
	return -1, -1, false
}

// GeoJSONCandidates reads a planner's candidate points from a GeoJSON FeatureCollection of Point
// features in lon/lat; a feature's label is its label or name property. A bad feature is an error
// naming its index.
func GeoJSONCandidates(raw json.RawMessage) ([]pointIn, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: not a GeoJSON FeatureCollection: %v", candidatesGeoJSONName, err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: type %q, want FeatureCollection", candidatesGeoJSONName, fc.Type)
	}
	out := make([]pointIn, len(fc.Features))
	for i, f := range fc.Features {
		where := fmt.Sprintf("%s features[%d]", candidatesGeoJSONName, i)
		if f.Geometry == nil || f.Geometry.Type != "Point" {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: want a Point geometry", where)
		}
		var xy []float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &xy); err != nil || len(xy) < 2 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: coordinates %s: want [lon, lat]", where, f.Geometry.Coordinates)
		}
		out[i] = pointIn{Lon: &xy[0], Lat: &xy[1], where: where}
		for _, k := range []string{"label", "name"} {
			if s, ok := f.Properties[k].(string); ok && s != "" {
				out[i].Label = s
				break
			}
		}
	}
	return out, nil
}
