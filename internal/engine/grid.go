package engine

import "math"

// grid is a uniform grid over points in metres, stored compactly: cell c holds the indices
// items[start[c]:start[c+1]], in increasing index order.
type grid struct {
	cell       float64
	minX, minY float64
	nx, ny     int
	start      []int32
	items      []int32
}

// gridCell is the cell size of the grids: a few cells span a catchment.
const gridCell = 2000

// newGrid indexes the points (xs[i], ys[i]); points with a NaN coordinate are left out.
func newGrid(xs, ys []float64) *grid {
	g := &grid{cell: gridCell, minX: math.Inf(1), minY: math.Inf(1)}
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i := range xs {
		if math.IsNaN(xs[i]) || math.IsNaN(ys[i]) {
			continue
		}
		g.minX, g.minY = math.Min(g.minX, xs[i]), math.Min(g.minY, ys[i])
		maxX, maxY = math.Max(maxX, xs[i]), math.Max(maxY, ys[i])
	}
	if math.IsInf(g.minX, 1) {
		g.minX, g.minY, maxX, maxY = 0, 0, 0, 0
	}
	g.nx = int((maxX-g.minX)/g.cell) + 1
	g.ny = int((maxY-g.minY)/g.cell) + 1
	counts := make([]int32, g.nx*g.ny+1)
	for i := range xs {
		if c, ok := g.cellOf(xs[i], ys[i]); ok {
			counts[c+1]++
		}
	}
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	g.start = counts
	g.items = make([]int32, counts[len(counts)-1])
	fill := append([]int32(nil), counts[:len(counts)-1]...)
	for i := range xs {
		if c, ok := g.cellOf(xs[i], ys[i]); ok {
			g.items[fill[c]] = int32(i)
			fill[c]++
		}
	}
	return g
}

// cellOf is the cell of a point inside the grid's extent.
func (g *grid) cellOf(x, y float64) (int, bool) {
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	ix, iy := int(math.Floor((x-g.minX)/g.cell)), int(math.Floor((y-g.minY)/g.cell))
	if ix < 0 || iy < 0 || ix >= g.nx || iy >= g.ny {
		return 0, false
	}
	return iy*g.nx + ix, true
}

// near calls f with the index of every point in the cells that a square of half-side r around
// (x, y) touches: a superset of the points within r, which f filters by distance.
func (g *grid) near(x, y, r float64, f func(i int32)) {
	x0 := max(int(math.Floor((x-r-g.minX)/g.cell)), 0)
	x1 := min(int(math.Floor((x+r-g.minX)/g.cell)), g.nx-1)
	y0 := max(int(math.Floor((y-r-g.minY)/g.cell)), 0)
	y1 := min(int(math.Floor((y+r-g.minY)/g.cell)), g.ny-1)
	for iy := y0; iy <= y1; iy++ {
		for ix := x0; ix <= x1; ix++ {
			c := iy*g.nx + ix
			for _, i := range g.items[g.start[c]:g.start[c+1]] {
				f(i)
			}
		}
	}
}

// dist is the planar distance between two points, as PostGIS computes it (no fused multiply-add).
func dist(x1, y1, x2, y2 float64) float64 {
	dx, dy := x2-x1, y2-y1
	return math.Sqrt(float64(dx*dx) + float64(dy*dy))
}
