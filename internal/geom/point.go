package geom

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// InteriorPoint returns a point inside a polygon or multipolygon: its centroid when that is
// inside, else the middle of the widest stretch of a horizontal line across the (largest)
// polygon, as ST_PointOnSurface does. Readers use it only to account for a row before the store,
// which places the area at ST_PointOnSurface itself.
func InteriorPoint(g orb.Geometry) orb.Point {
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

// MidLine returns the point half-way along a LineString, or along the longest line of a
// MultiLineString; ok is false when there is no point.
func MidLine(g orb.Geometry) (p orb.Point, ok bool) {
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
