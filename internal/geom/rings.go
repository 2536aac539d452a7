package geom

import (
	"fmt"

	"github.com/paulmach/orb"
)

// RingError says why a polygon or multipolygon cannot be stored: PostGIS refuses a polygon
// without rings and a ring that is open or has fewer than 4 positions.
type RingError struct {
	Type      string // the geometry's GeoJSON type
	Polygon   int    // the 1-based polygon; 0 when the geometry has none
	Ring      int    // the 1-based ring of the polygon; 0 when it has none
	Positions int    // the ring's positions
	Open      bool   // the ring's first and last positions differ (and it has 4 or more)
}

func (e *RingError) Error() string {
	switch {
	case e.Polygon == 0:
		return fmt.Sprintf("%s without polygons", e.Type)
	case e.Ring == 0:
		return fmt.Sprintf("%s: polygon %d has no rings", e.Type, e.Polygon)
	case e.Open:
		return fmt.Sprintf("%s: ring %d is not closed (its first and last positions differ)", e.Type, e.Ring)
	}
	return fmt.Sprintf("%s: ring %d has %d positions, fewer than 4", e.Type, e.Ring, e.Positions)
}

// Polygons returns the polygons of a Polygon or MultiPolygon, and nil for any other geometry.
func Polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// CheckRings returns a *RingError when a Polygon or MultiPolygon cannot be stored, else nil.
func CheckRings(g orb.Geometry) *RingError {
	polys := Polygons(g)
	if len(polys) == 0 {
		return &RingError{Type: g.GeoJSONType()}
	}
	for i, poly := range polys {
		if len(poly) == 0 {
			return &RingError{Type: g.GeoJSONType(), Polygon: i + 1}
		}
		for j, ring := range poly {
			switch {
			case len(ring) < 4:
				return &RingError{Type: g.GeoJSONType(), Polygon: i + 1, Ring: j + 1, Positions: len(ring)}
			case ring[0] != ring[len(ring)-1]:
				return &RingError{Type: g.GeoJSONType(), Polygon: i + 1, Ring: j + 1, Positions: len(ring), Open: true}
			}
		}
	}
	return nil
}

// EachPosition calls fn with every position of a line or area until fn returns false.
func EachPosition(g orb.Geometry, fn func(orb.Point) bool) {
	var lines []orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		lines = []orb.LineString{g}
	case orb.MultiLineString:
		lines = g
	case orb.Polygon, orb.MultiPolygon:
		for _, poly := range Polygons(g) {
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
