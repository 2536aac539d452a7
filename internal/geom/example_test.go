package geom_test

import (
	"fmt"

	"github.com/spatlas/spatlas/internal/geom"
)

// An LSOA's point goes to PostGIS as EWKB and comes back as the store reads it.
func ExampleDecodePoint() {
	b, err := geom.EncodeEWKB(geom.NewPoint(383880.5, 398160.25, 27700))
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y, srid, err := geom.DecodePoint(b)
	fmt.Println(x, y, srid, err)
	// Output: 383880.5 398160.25 27700 <nil>
}

func ExampleDecodeGeoJSON() {
	for _, raw := range []string{
		`{"type": "Polygon", "coordinates": [[[-2.3, 53.4], [-2.2, 53.4], [-2.2, 53.5], [-2.3, 53.4]]]}`,
		`{"type": "Polygon", "coordinates": [[[-2.3, 53.4], [-2.2, 53.4], [-2.3, 53.4]]]}`,
		`{"type": "Point", "coordinates": [-2.2]}`,
	} {
		g, reason, err := geom.DecodeGeoJSON([]byte(raw))
		switch {
		case err != nil:
			fmt.Println(err)
		case reason != "":
			fmt.Println(reason)
		case geom.CheckRings(g) != nil:
			fmt.Println(geom.CheckRings(g))
		default:
			p := geom.InteriorPoint(g)
			fmt.Printf("%s, a point inside at %.4f, %.4f\n", g.GeoJSONType(), p[0], p[1])
		}
	}
	// Output:
	// Polygon, a point inside at -2.2333, 53.4333
	// Polygon: ring 1 has 3 positions, fewer than 4
	// Point coordinates must be [longitude, latitude] numbers
}
