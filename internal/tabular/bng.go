package tabular

import "math"

// The British National Grid (EPSG:27700): a Transverse Mercator projection of the Airy 1830
// ellipsoid (the OSGB36 datum), as the Ordnance Survey's "A guide to coordinate systems in Great
// Britain" defines it.
const (
	airyA, airyB = 6377563.396, 6356256.909
	bngF0        = 0.9996012717
	bngE0, bngN0 = 400000.0, -100000.0
	bngLat0      = 49 * math.Pi / 180
	bngLon0      = -2 * math.Pi / 180

	wgs84A, wgs84B = 6378137.0, 6356752.314245

	arcSecond = math.Pi / (180 * 3600)
)

// The seven-parameter Helmert transformation from OSGB36 to WGS84 (EPSG:1314, the one PostGIS's
// EPSG:27700 carries as towgs84): translations in metres, rotations in arc seconds (position
// vector convention), scale in parts per million. It is good to a few metres, which is what a
// postcode centroid needs.
const (
	helmertTX, helmertTY, helmertTZ = 446.448, -125.157, 542.060
	helmertRX, helmertRY, helmertRZ = 0.1502, 0.2470, 0.8421
	helmertS                        = -20.4894
)

// bngToWGS84 converts British National Grid easting and northing (metres) to WGS84 longitude
// and latitude (degrees).
func bngToWGS84(e, n float64) (lon, lat float64) {
	phi, lambda := bngInverse(e, n)
	x, y, z := toCartesian(phi, lambda, airyA, airyB)
	s := helmertS * 1e-6
	rx, ry, rz := helmertRX*arcSecond, helmertRY*arcSecond, helmertRZ*arcSecond
	x2 := helmertTX + x*(1+s) - y*rz + z*ry
	y2 := helmertTY + x*rz + y*(1+s) - z*rx
	z2 := helmertTZ - x*ry + y*rx + z*(1+s)
	phi, lambda = fromCartesian(x2, y2, z2, wgs84A, wgs84B)
	return lambda * 180 / math.Pi, phi * 180 / math.Pi
}

// bngInverse returns the OSGB36 latitude and longitude (radians) of a grid position: the inverse
// Transverse Mercator of the OS guide (its formulas C6 to C8 and the iteration for latitude).
func bngInverse(e, n float64) (phi, lambda float64) {
	a, b := airyA, airyB
	e2 := 1 - b*b/(a*a)
	nn := (a - b) / (a + b)
	phi = bngLat0
	m := 0.0
	for range 20 {
		phi = (n-bngN0-m)/(a*bngF0) + phi
		m = meridionalArc(phi, b, nn)
		if math.Abs(n-bngN0-m) < 1e-5 {
			break
		}
	}
	sin, cos, tan := math.Sin(phi), math.Cos(phi), math.Tan(phi)
	nu := a * bngF0 / math.Sqrt(1-e2*sin*sin)
	rho := a * bngF0 * (1 - e2) / math.Pow(1-e2*sin*sin, 1.5)
	eta2 := nu/rho - 1
	tan2, tan4, tan6 := tan*tan, tan*tan*tan*tan, tan*tan*tan*tan*tan*tan
	sec := 1 / cos
	vii := tan / (2 * rho * nu)
	viii := tan / (24 * rho * nu * nu * nu) * (5 + 3*tan2 + eta2 - 9*tan2*eta2)
	ix := tan / (720 * rho * math.Pow(nu, 5)) * (61 + 90*tan2 + 45*tan4)
	x := sec / nu
	xi := sec / (6 * nu * nu * nu) * (nu/rho + 2*tan2)
	xii := sec / (120 * math.Pow(nu, 5)) * (5 + 28*tan2 + 24*tan4)
	xiia := sec / (5040 * math.Pow(nu, 7)) * (61 + 662*tan2 + 1320*tan4 + 720*tan6)
	de := e - bngE0
	de2 := de * de
	phi = phi - vii*de2 + viii*de2*de2 - ix*de2*de2*de2
	lambda = bngLon0 + x*de - xi*de2*de + xii*de2*de2*de - xiia*de2*de2*de2*de
	return phi, lambda
}

// meridionalArc is the developed meridional arc M from the true origin's latitude to phi.
func meridionalArc(phi, b, n float64) float64 {
	dp, sp := phi-bngLat0, phi+bngLat0
	n2, n3 := n*n, n*n*n
	return b * bngF0 * ((1+n+5.0/4*n2+5.0/4*n3)*dp -
		(3*n+3*n2+21.0/8*n3)*math.Sin(dp)*math.Cos(sp) +
		(15.0/8*n2+15.0/8*n3)*math.Sin(2*dp)*math.Cos(2*sp) -
		35.0/24*n3*math.Sin(3*dp)*math.Cos(3*sp))
}

// toCartesian returns the geocentric coordinates of a point at height 0 on an ellipsoid.
func toCartesian(phi, lambda, a, b float64) (x, y, z float64) {
	e2 := 1 - b*b/(a*a)
	sin := math.Sin(phi)
	nu := a / math.Sqrt(1-e2*sin*sin)
	return nu * math.Cos(phi) * math.Cos(lambda), nu * math.Cos(phi) * math.Sin(lambda), (1 - e2) * nu * sin
}

// fromCartesian returns the latitude and longitude (radians) of geocentric coordinates on an
// ellipsoid, by iteration.
func fromCartesian(x, y, z, a, b float64) (phi, lambda float64) {
	e2 := 1 - b*b/(a*a)
	p := math.Hypot(x, y)
	phi = math.Atan2(z, p*(1-e2))
	for range 10 {
		sin := math.Sin(phi)
		nu := a / math.Sqrt(1-e2*sin*sin)
		next := math.Atan2(z+e2*nu*sin, p)
		if math.Abs(next-phi) < 1e-12 {
			phi = next
			break
		}
		phi = next
	}
	return phi, math.Atan2(y, x)
}

// BNGToWGS84 converts British National Grid easting and northing (metres) to WGS84 longitude
// and latitude (degrees).
func BNGToWGS84(e, n float64) (lon, lat float64) { return bngToWGS84(e, n) }
