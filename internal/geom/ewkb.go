package geom

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/paulmach/orb"
	orbwkb "github.com/paulmach/orb/encoding/wkb"
	gogeom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// EncodeEWKB writes g as PostGIS extended WKB, little-endian, with g's SRID.
func EncodeEWKB(g gogeom.T) ([]byte, error) {
	b, err := ewkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("encode EWKB: %w", err)
	}
	return b, nil
}

// DecodeEWKB reads PostGIS extended WKB (what a geometry column gives in the binary protocol,
// or ST_AsEWKB in text), SRID included.
func DecodeEWKB(b []byte) (gogeom.T, error) {
	g, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode EWKB: %w", err)
	}
	return g, nil
}

// DecodePoint reads a point from PostGIS extended WKB: its x and y (longitude and latitude, or
// easting and northing) and its SRID. Anything but a non-empty point is an error.
func DecodePoint(b []byte) (x, y float64, srid int, err error) {
	g, err := DecodeEWKB(b)
	if err != nil {
		return 0, 0, 0, err
	}
	p, ok := g.(*gogeom.Point)
	if !ok {
		return 0, 0, 0, fmt.Errorf("decode EWKB: a %T, not a point", g)
	}
	if p.Empty() {
		return 0, 0, p.SRID(), fmt.Errorf("decode EWKB: an empty point")
	}
	return p.X(), p.Y(), p.SRID(), nil
}

// NewPoint returns a two-dimensional point with an SRID, for EncodeEWKB.
func NewPoint(x, y float64, srid int) *gogeom.Point {
	return gogeom.NewPointFlat(gogeom.XY, []float64{x, y}).SetSRID(srid)
}

// ToOrb converts a go-geom geometry to orb, through WKB; the SRID is dropped.
func ToOrb(g gogeom.T) (orb.Geometry, error) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("to orb: %w", err)
	}
	og, err := orbwkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("to orb: %w", err)
	}
	return og, nil
}

// FromOrb converts an orb geometry to go-geom with an SRID, through WKB.
func FromOrb(g orb.Geometry, srid int) (gogeom.T, error) {
	b, err := orbwkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("from orb: %w", err)
	}
	gg, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("from orb: %w", err)
	}
	return setSRID(gg, srid)
}

// setSRID sets the SRID of a go-geom geometry of any type.
func setSRID(g gogeom.T, srid int) (gogeom.T, error) {
	switch g := g.(type) {
	case *gogeom.Point:
		return g.SetSRID(srid), nil
	case *gogeom.MultiPoint:
		return g.SetSRID(srid), nil
	case *gogeom.LineString:
		return g.SetSRID(srid), nil
	case *gogeom.MultiLineString:
		return g.SetSRID(srid), nil
	case *gogeom.Polygon:
		return g.SetSRID(srid), nil
	case *gogeom.MultiPolygon:
		return g.SetSRID(srid), nil
	case *gogeom.GeometryCollection:
		return g.SetSRID(srid), nil
	}
	return nil, fmt.Errorf("from orb: a %T has no SRID", g)
}

// Point is a point read from PostGIS: scan a geometry column into it (pgx hands a geometry
// over as hex EWKB text, or as EWKB bytes with ST_AsEWKB), for instance a field of a struct
// read with pgx.RowToStructByName.
type Point struct {
	X, Y float64
	SRID int
}

// Scan reads a point from EWKB bytes or hex EWKB text.
func (p *Point) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
		if len(v) > 0 && v[0] != 0 && v[0] != 1 { // hex text handed over as bytes
			var err error
			if b, err = hex.DecodeString(string(v)); err != nil {
				return fmt.Errorf("decode EWKB: %w", err)
			}
		}
	case string:
		var err error
		if b, err = hex.DecodeString(v); err != nil {
			return fmt.Errorf("decode EWKB: %w", err)
		}
	default:
		return fmt.Errorf("decode EWKB: a %T, not bytes or hex text", src)
	}
	x, y, srid, err := DecodePoint(b)
	if err != nil {
		return err
	}
	*p = Point{X: x, Y: y, SRID: srid}
	return nil
}
