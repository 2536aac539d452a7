// Package geom holds the geometry work spatlas does in Go, on the two libraries its design names:
// github.com/paulmach/orb where Go works on geometry (decoding GeoJSON geometries, planar checks
// and points) and github.com/twpayne/go-geom where geometry crosses between PostGIS and Go
// (EWKB in and out). Conversion between the two goes through WKB, here only.
//
// # GeoJSON
//
// DecodeGeoJSON decodes a GeoJSON geometry object with orb/geojson and says, in words a load
// report can carry, why one cannot be decoded: an unknown type, a GeometryCollection, missing
// coordinates, coordinates that are not arrays of numbers, a Point without two numbers.
//
// # Checks and points
//
// CheckRings is the one ring check of the readers: every polygon has a ring and every ring is
// closed with 4 positions or more, as PostGIS requires. EachPosition visits the positions of a
// line or area.
//
// The store places an area at ST_PointOnSurface; a reader still needs a point of the area
// before the store, only to account for the row (an area outside England and Wales is rejected
// with a reason, not loaded). InteriorPoint gives one by the same rule (the centroid when it is
// inside, else the middle of the widest stretch of a horizontal line across the largest
// polygon); MidLine gives the point half-way along a line, for OpenStreetMap ways that denote
// places.
//
// # EWKB
//
// EncodeEWKB and DecodeEWKB write and read PostGIS extended WKB (little-endian, with the SRID)
// through go-geom; DecodePoint reads a point, and Point scans a geometry column (hex EWKB text
// or EWKB bytes), as the planning engine reads LSOA points from PostGIS. ToOrb and FromOrb
// convert between go-geom and orb geometries. The tests round-trip through PostGIS when
// SPATLAS_TEST_DATABASE_URL is set.
package geom
