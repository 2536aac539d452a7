package geoassets

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// CoordProps name the properties that place a feature without geometry, as the coordinate
// columns of a CSV file place a row: longitude and latitude, else easting and northing. A pair
// is used only when both are present.
type CoordProps struct {
	Lon, Lat, Easting, Northing []string
}

// propLoc returns the location properties p give a feature without geometry: ok is false when
// they give none; reason says why the values cannot be a location.
func (b *builder) propLoc(p map[string]string) (loc spatlas.Location, reason string, ok bool) {
	c := b.o.Coords
	for _, pair := range []struct {
		x, y []string
		srid int
	}{{c.Lon, c.Lat, spatlas.SRIDWGS84}, {c.Easting, c.Northing, spatlas.SRIDBNG}} {
		if len(pair.x) == 0 || len(pair.y) == 0 {
			continue
		}
		sx, sy := strings.TrimSpace(lookup(p, pair.x)), strings.TrimSpace(lookup(p, pair.y))
		if sx == "" && sy == "" {
			continue
		}
		x, errx := strconv.ParseFloat(sx, 64)
		y, erry := strconv.ParseFloat(sy, 64)
		if errx != nil || erry != nil {
			return loc, fmt.Sprintf("no geometry, and the coordinates %q, %q are not numbers", sx, sy), true
		}
		return spatlas.Location{X: x, Y: y, SRID: pair.srid}, "", true
	}
	return loc, "", false
}
