package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// WKB geometry type codes.
const (
	wkbPolygon      = 3
	wkbMultiPolygon = 6
)

// polygonWKB encodes the JSON text of one GeoJSON Polygon or MultiPolygon geometry object, and
// nothing else, as little-endian WKB; readBoundaries encodes geometries in place with
// wkbEncoder.geometry. orb's decoder is the oracle in the tests.
func polygonWKB(raw []byte) (wkb []byte, typ string, err error) {
	s := scanner{b: raw}
	var e wkbEncoder
	typ, err = e.geometry(&s)
	if err == nil {
		if s.ws(); s.i < len(s.b) {
			err = s.errorf("data after the geometry")
		}
	}
	if err != nil {
		return nil, typ, err
	}
	return e.buf, typ, nil
}

// geometryDepth is how deeply the coordinates of a geometry type nest: 3 for a Polygon (rings of
// positions of numbers), 4 for a MultiPolygon, 0 for the types boundaries cannot have.
func geometryDepth(typ string) int {
	switch typ {
	case "Polygon":
		return 3
	case "MultiPolygon":
		return 4
	}
	return 0
}

// wkbEncoder appends WKB; counts not known until their array ends are back-filled.
type wkbEncoder struct {
	buf []byte
	n   []uint32 // pending counts
	at  []int    // where each pending count goes in buf
}

// geometry reads the GeoJSON geometry object at the scanner's position and appends it to e.buf as
// WKB, reading each coordinate once, straight from the text: a national boundary file holds
// millions of them, and decoding them into nested slices first would triple the load's parsing
// time. Coordinates beyond x and y (an altitude) are dropped.
//
// The members may come in any order. When "coordinates" comes before "type", the coordinates'
// nesting depth says whether they are a Polygon's or a MultiPolygon's, and the type is checked
// against it when it comes.
func (e *wkbEncoder) geometry(s *scanner) (typ string, err error) {
	start := len(e.buf)
	var sawType, sawCoords bool
	depth := 0         // the depth of the coordinates once encoded
	var coordErr error // a fault in coordinates read before the type, reported if the type allows
	err = s.object(func(key string) error {
		switch key {
		case "type":
			if sawType {
				return fmt.Errorf("the geometry has two types")
			}
			t, err := s.str()
			if err != nil {
				return err
			}
			typ, sawType = t, true
			want := geometryDepth(t)
			if want == 0 {
				return fmt.Errorf("a %q geometry, want Polygon or MultiPolygon", t)
			}
			if depth != 0 && depth != want {
				return fmt.Errorf("the coordinates of a %s nest %d deep, want %d", t, depth, want)
			}
		case "coordinates":
			if sawCoords {
				return fmt.Errorf("the geometry has two sets of coordinates")
			}
			sawCoords = true
			at := s.i
			d := geometryDepth(typ)
			if !sawType {
				d = s.depth()
			}
			err := e.coordinates(s, d)
			if err == nil {
				depth = d
				return nil
			}
			if sawType {
				return err
			}
			// The type, still to come, may explain the fault better ("a Point"): pass over the
			// coordinates and report the fault after the type if that is a Polygon or MultiPolygon.
			e.reset(start)
			s.i = at
			if serr := s.skip(); serr != nil {
				return serr
			}
			coordErr = err
		default:
			return s.skip()
		}
		return nil
	})
	switch {
	case err != nil:
	case !sawType:
		err = fmt.Errorf("the geometry has no type")
	case coordErr != nil:
		err = coordErr
	case !sawCoords:
		err = fmt.Errorf("the %s has no coordinates", typ)
	}
	if err != nil {
		e.reset(start)
		return typ, err
	}
	return typ, nil
}

// reset drops what was appended since len(buf) was n, and any pending counts.
func (e *wkbEncoder) reset(n int) {
	e.buf, e.n, e.at = e.buf[:n], e.n[:0], e.at[:0]
}

// coordinates encodes a coordinates array nesting depth deep: a Polygon's (3) or a
// MultiPolygon's (4).
func (e *wkbEncoder) coordinates(s *scanner, depth int) error {
	switch depth {
	case 3:
		return e.polygon(s)
	case 4:
		e.header(wkbMultiPolygon)
		n := e.count()
		err := s.array(func() error {
			e.n[n]++
			return e.polygon(s)
		})
		if err == nil && e.n[n] == 0 {
			err = fmt.Errorf("a MultiPolygon with no polygons")
		}
		e.fill(n)
		return err
	}
	if s.emptyArray(depth) {
		return fmt.Errorf("the coordinates start with an empty array")
	}
	return fmt.Errorf("the coordinates nest %d deep, want 3 (Polygon) or 4 (MultiPolygon)", depth)
}

func (e *wkbEncoder) header(t uint32) {
	e.buf = append(e.buf, 1) // little endian
	e.buf = binary.LittleEndian.AppendUint32(e.buf, t)
}

// count reserves a count and returns its handle.
func (e *wkbEncoder) count() int {
	e.at = append(e.at, len(e.buf))
	e.n = append(e.n, 0)
	e.buf = append(e.buf, 0, 0, 0, 0)
	return len(e.n) - 1
}

func (e *wkbEncoder) fill(h int) {
	binary.LittleEndian.PutUint32(e.buf[e.at[h]:], e.n[h])
	e.n, e.at = e.n[:h], e.at[:h]
}

func (e *wkbEncoder) polygon(s *scanner) error {
	e.header(wkbPolygon)
	rings := e.count()
	err := s.array(func() error {
		e.n[rings]++
		return e.ring(s, e.n[rings])
	})
	if err == nil && e.n[rings] == 0 {
		err = fmt.Errorf("a polygon with no rings")
	}
	e.fill(rings)
	return err
}

// ring encodes the k-th ring of a polygon: at least 4 positions, the last equal to the first.
func (e *wkbEncoder) ring(s *scanner, k uint32) error {
	if err := s.expect('['); err != nil {
		return err
	}
	at := len(e.buf)
	e.buf = append(e.buf, 0, 0, 0, 0)
	var n uint32
	if s.ws(); s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
	} else {
		for {
			if err := e.position(s); err != nil {
				return err
			}
			n++
			s.ws()
			if s.i >= len(s.b) {
				return s.errorf("unterminated array")
			}
			c := s.b[s.i]
			s.i++
			if c == ']' {
				break
			}
			if c != ',' {
				s.i--
				return s.errorf("want , or ] in an array")
			}
		}
	}
	binary.LittleEndian.PutUint32(e.buf[at:], n)
	if n < 4 {
		return fmt.Errorf("ring %d has %d positions, want at least 4", k, n)
	}
	if first, last := e.buf[at+4:at+20], e.buf[len(e.buf)-16:]; !bytes.Equal(first, last) {
		return fmt.Errorf("ring %d is not closed: its last position differs from its first", k)
	}
	return nil
}

// position encodes one position's x and y.
func (e *wkbEncoder) position(s *scanner) error {
	if err := s.expect('['); err != nil {
		return err
	}
	n := 0
	if s.ws(); s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
	} else {
		for {
			v, err := s.number()
			if err != nil {
				return err
			}
			if n < 2 {
				e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
			}
			n++
			s.ws()
			if s.i >= len(s.b) {
				return s.errorf("unterminated array")
			}
			c := s.b[s.i]
			s.i++
			if c == ']' {
				break
			}
			if c != ',' {
				s.i--
				return s.errorf("want , or ] in an array")
			}
		}
	}
	if n < 2 {
		return fmt.Errorf("a position has %d numbers, want 2 (x and y) or more", n)
	}
	return nil
}
