package geoassets

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/spatlas/spatlas/internal/geom"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// decodeGeometry decodes a feature's GeoJSON geometry, or says why it cannot.
func decodeGeometry(raw json.RawMessage) (orb.Geometry, string) {
	g, reason, err := geom.DecodeGeoJSON(raw)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return g, reason
	case errors.As(err, &ute) && ute.Field == "":
		return nil, fmt.Sprintf("not a GeoJSON Feature: geometry is a JSON %s", ute.Value)
	case errors.As(err, &ute):
		return nil, fmt.Sprintf("not a GeoJSON Feature: geometry.%s is a JSON %s", ute.Field, ute.Value)
	}
	return nil, fmt.Sprintf("not a GeoJSON Feature: geometry: %v", err)
}

// locate turns a geometry into an asset location, or says why it cannot be one. Lines are
// placed half-way along when lines is set, else rejected.
func locate(g orb.Geometry, srid int, lines bool) (spatlas.Location, string) {
	loc := spatlas.Location{SRID: srid}
	var p orb.Point
	switch g := g.(type) {
	case orb.Point:
		p = g
	case orb.MultiPoint:
		if len(g) == 0 {
			return loc, "MultiPoint without points"
		}
		p = g[0]
	case orb.LineString, orb.MultiLineString:
		if !lines {
			return loc, fmt.Sprintf("a %s is not a place: give a Point or a Polygon", g.GeoJSONType())
		}
		var ok bool
		if p, ok = geom.MidLine(g); !ok {
			return loc, fmt.Sprintf("%s without points", g.GeoJSONType())
		}
		if reason := checkVertices(g, srid); reason != "" {
			return loc, reason
		}
	case orb.Polygon, orb.MultiPolygon:
		if err := geom.CheckRings(g); err != nil {
			return loc, err.Error()
		}
		if reason := checkVertices(g, srid); reason != "" {
			return loc, reason
		}
		area, err := wkb.Marshal(g)
		if err != nil {
			return loc, fmt.Sprintf("%s cannot be encoded: %v", g.GeoJSONType(), err)
		}
		p = geom.InteriorPoint(g) // for the checks: the store places the area itself
		loc.Area = area
	default:
		return loc, fmt.Sprintf("a %s is not supported", g.GeoJSONType())
	}
	loc.X, loc.Y = p[0], p[1]
	return loc, ""
}

// checkLoc returns why loc cannot be an asset's location, or "".
func checkLoc(loc spatlas.Location) string {
	if loc.SRID == spatlas.SRIDBNG {
		return spatlas.CheckEastingNorthing(loc.X, loc.Y)
	}
	return spatlas.CheckLonLat(loc.X, loc.Y)
}

// checkVertices says why a vertex of a line or area is off the globe (or off the grid), or "".
// Only the asset's point gets the full England and Wales check: a coastal area may stray.
func checkVertices(g orb.Geometry, srid int) string {
	var reason string
	geom.EachPosition(g, func(p orb.Point) bool {
		x, y := p[0], p[1]
		switch {
		case math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0):
			reason = "a vertex has coordinates that are not numbers"
		case srid == spatlas.SRIDBNG && (x < 0 || x > 700000 || y < 0 || y > 1300000):
			reason = fmt.Sprintf("a vertex at easting %g, northing %g is off the British National Grid", x, y)
		case srid != spatlas.SRIDBNG && (x < -180 || x > 180 || y < -90 || y > 90):
			reason = fmt.Sprintf("a vertex at longitude %g, latitude %g is out of range", x, y)
		}
		return reason == ""
	})
	return reason
}
