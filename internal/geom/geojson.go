package geom

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// DecodeGeoJSON decodes a GeoJSON geometry object with orb/geojson. reason, when not "", says
// why a geometry object is not one a reader can use (a GeometryCollection, an unknown type,
// coordinates missing or not arrays of numbers); err is an error of the JSON itself (a
// *json.UnmarshalTypeError when raw is not an object, or its type not a string).
func DecodeGeoJSON(raw []byte) (g orb.Geometry, reason string, err error) {
	var head struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, "", err
	}
	switch head.Type {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
		if len(head.Coordinates) == 0 || string(head.Coordinates) == "null" {
			return nil, fmt.Sprintf("%s geometry without coordinates", head.Type), nil
		}
	case "GeometryCollection":
		return nil, "a GeometryCollection is not supported: give a Point, MultiPoint, Polygon or MultiPolygon", nil
	default:
		return nil, fmt.Sprintf("geometry type %q is not a GeoJSON geometry", head.Type), nil
	}
	const badPoint = "Point coordinates must be [longitude, latitude] numbers"
	if head.Type == "Point" {
		// orb reads [x] as (x, 0): a Point needs both numbers.
		var c []json.RawMessage
		if err := json.Unmarshal(head.Coordinates, &c); err != nil || len(c) < 2 {
			return nil, badPoint, nil
		}
	}
	dg, err := geojson.UnmarshalGeometry(raw)
	switch {
	case err == nil:
		return dg.Geometry(), "", nil
	case head.Type == "Point":
		return nil, badPoint, nil
	}
	return nil, fmt.Sprintf("%s coordinates are not arrays of numbers as GeoJSON has them", head.Type), nil
}
