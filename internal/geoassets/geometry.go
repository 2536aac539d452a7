package geoassets

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// decodeGeometry decodes a GeoJSON geometry, or says why it cannot.
func decodeGeometry(g *geometry) (orb.Geometry, string) {
	switch g.Type {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
		if len(g.Coordinates) == 0 || string(g.Coordinates) == "null" {
			return nil, fmt.Sprintf("%s geometry without coordinates", g.Type)
		}
	case "GeometryCollection":
		return nil, "a GeometryCollection is not supported: give a Point, MultiPoint, Polygon or MultiPolygon"
	default:
		return nil, fmt.Sprintf("geometry type %q is not a GeoJSON geometry", g.Type)
	}
	var (
		geom orb.Geometry
		err  error
	)
	switch g.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil || len(c) < 2 {
			return nil, "Point coordinates must be [longitude, latitude] numbers"
		}
		geom = orb.Point{c[0], c[1]}
	case "MultiPoint":
		geom, err = unmarshal[orb.MultiPoint](g.Coordinates)
	case "LineString":
		geom, err = unmarshal[orb.LineString](g.Coordinates)
	case "MultiLineString":
		geom, err = unmarshal[orb.MultiLineString](g.Coordinates)
	case "Polygon":
		geom, err = unmarshal[orb.Polygon](g.Coordinates)
	case "MultiPolygon":
		geom, err = unmarshal[orb.MultiPolygon](g.Coordinates)
	}
	if err != nil {
		return nil, fmt.Sprintf("%s coordinates are not arrays of numbers as GeoJSON has them", g.Type)
	}
	return geom, ""
}

func unmarshal[T orb.Geometry](raw json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
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
		if p, ok = midLine(g); !ok {
			return loc, fmt.Sprintf("%s without points", g.GeoJSONType())
		}
		if reason := checkVertices(g, srid); reason != "" {
			return loc, reason
		}
	case orb.Polygon, orb.MultiPolygon:
		if reason := checkRings(g); reason != "" {
			return loc, reason
		}
		if reason := checkVertices(g, srid); reason != "" {
			return loc, reason
		}
		area, err := wkb.Marshal(g)
		if err != nil {
			return loc, fmt.Sprintf("%s cannot be encoded: %v", g.GeoJSONType(), err)
		}
		p = interiorPoint(g)
		loc.Area = area
	default:
		return loc, fmt.Sprintf("a %s is not supported", g.GeoJSONType())
	}
	loc.X, loc.Y = p[0], p[1]
	return loc, ""
}

// interiorPoint returns a point inside a polygon or multipolygon: its centroid when that is
// inside, else the middle of the widest stretch of a horizontal line across the (largest) polygon,
// as ST_PointOnSurface does.
func interiorPoint(g orb.Geometry) orb.Point {
	c, _ := planar.CentroidArea(g)
	var poly orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		if planar.PolygonContains(g, c) {
			return c
		}
		poly = g
	case orb.MultiPolygon:
		if planar.MultiPolygonContains(g, c) {
			return c
		}
		best := -1.0
		for _, p := range g {
			if a := math.Abs(planar.Area(p)); a > best {
				poly, best = p, a
			}
		}
	}
	b := poly.Bound()
	for _, y := range []float64{c[1], (b.Min[1] + b.Max[1]) / 2} {
		if p, ok := scanline(poly, y); ok {
			return p
		}
	}
	return c
}

// scanline returns the middle of the widest stretch of the line at y inside poly.
func scanline(poly orb.Polygon, y float64) (orb.Point, bool) {
	var xs []float64
	for _, r := range poly {
		for i := 1; i < len(r); i++ {
			p, q := r[i-1], r[i]
			if (p[1] > y) != (q[1] > y) {
				xs = append(xs, p[0]+(y-p[1])*(q[0]-p[0])/(q[1]-p[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, width := orb.Point{}, 0.0
	for i := 1; i < len(xs); i += 2 {
		if w := xs[i] - xs[i-1]; w > width {
			best, width = orb.Point{(xs[i] + xs[i-1]) / 2, y}, w
		}
	}
	return best, width > 0
}

// checkLoc returns why loc cannot be an asset's location, or "".
func checkLoc(loc spatlas.Location) string {
	if loc.SRID == spatlas.SRIDBNG {
		return spatlas.CheckEastingNorthing(loc.X, loc.Y)
	}
	return spatlas.CheckLonLat(loc.X, loc.Y)
}

// checkRings says why a polygon's rings cannot be stored (PostGIS refuses open or short rings).
func checkRings(g orb.Geometry) string {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	if len(polys) == 0 {
		return fmt.Sprintf("%s without polygons", g.GeoJSONType())
	}
	for i, poly := range polys {
		if len(poly) == 0 {
			return fmt.Sprintf("%s: polygon %d has no rings", g.GeoJSONType(), i+1)
		}
		for j, ring := range poly {
			switch {
			case len(ring) < 4:
				return fmt.Sprintf("%s: ring %d has %d positions, fewer than 4", g.GeoJSONType(), j+1, len(ring))
			case ring[0] != ring[len(ring)-1]:
				return fmt.Sprintf("%s: ring %d is not closed (its first and last positions differ)", g.GeoJSONType(), j+1)
			}
		}
	}
	return ""
}

// checkVertices says why a vertex of a line or area is off the globe (or off the grid), or "".
// Only the asset's point gets the full England and Wales check: a coastal area may stray.
func checkVertices(g orb.Geometry, srid int) string {
	var reason string
	visit(g, func(p orb.Point) bool {
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

// visit calls fn with every position of a line or area until fn returns false.
func visit(g orb.Geometry, fn func(orb.Point) bool) {
	var lines []orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		lines = []orb.LineString{g}
	case orb.MultiLineString:
		lines = g
	case orb.Polygon:
		for _, r := range g {
			lines = append(lines, orb.LineString(r))
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			for _, r := range poly {
				lines = append(lines, orb.LineString(r))
			}
		}
	}
	for _, l := range lines {
		for _, p := range l {
			if !fn(p) {
				return
			}
		}
	}
}

// midLine returns the point half-way along a line, or along the longest line of a
// MultiLineString.
func midLine(g orb.Geometry) (orb.Point, bool) {
	var line orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		line = g
	case orb.MultiLineString:
		best := -1.0
		for _, l := range g {
			if n := planar.Length(l); len(l) > 0 && n > best {
				line, best = l, n
			}
		}
	}
	if len(line) == 0 {
		return orb.Point{}, false
	}
	half := planar.Length(line) / 2
	for i := 1; i < len(line); i++ {
		d := planar.Distance(line[i-1], line[i])
		if d >= half && d > 0 {
			t := half / d
			return orb.Point{
				line[i-1][0] + t*(line[i][0]-line[i-1][0]),
				line[i-1][1] + t*(line[i][1]-line[i-1][1]),
			}, true
		}
		half -= d
	}
	return line[len(line)-1], true
}
