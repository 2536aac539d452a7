package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unsafe"
)

// WKB geometry type codes.
const (
	wkbPolygon      = 3
	wkbMultiPolygon = 6
)

// polygonWKB encodes the raw JSON of a GeoJSON Polygon or MultiPolygon geometry as little-endian
// WKB, reading the coordinates straight from the bytes. A national boundary file holds millions
// of coordinates; decoding them into nested slices first would triple the load's parsing time.
// Coordinates beyond x and y (an altitude) are dropped. orb's decoder is the oracle in the tests.
func polygonWKB(raw []byte) (wkb []byte, typ string, err error) {
	s := scanner{b: raw}
	var coords []byte
	if err := s.object(func(key string) error {
		switch key {
		case "type":
			t, err := s.str()
			typ = t
			return err
		case "coordinates":
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			coords = raw[start:s.i]
			return nil
		}
		return s.skip()
	}); err != nil {
		return nil, "", err
	}
	if coords == nil {
		return nil, typ, fmt.Errorf("%s geometry has no coordinates", typ)
	}
	e := wkbEncoder{buf: make([]byte, 0, len(coords)/2)}
	c := scanner{b: coords}
	switch typ {
	case "Polygon":
		err = e.polygon(&c)
	case "MultiPolygon":
		e.header(wkbMultiPolygon)
		n := e.count()
		err = c.array(func() error {
			e.n[n]++
			return e.polygon(&c)
		})
		e.fill(n)
	default:
		return nil, typ, fmt.Errorf("a %s, want Polygon or MultiPolygon", typ)
	}
	if err != nil {
		return nil, typ, fmt.Errorf("%s coordinates: %w", typ, err)
	}
	return e.buf, typ, nil
}

// wkbEncoder appends WKB; counts not known until their array ends are back-filled.
type wkbEncoder struct {
	buf []byte
	n   []uint32 // pending counts
	at  []int    // where each pending count goes in buf
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
		pts := e.count()
		err := s.array(func() error {
			e.n[pts]++
			return e.point(s)
		})
		if err == nil && e.n[pts] < 4 {
			err = fmt.Errorf("a ring has %d positions, want at least 4", e.n[pts])
		}
		e.fill(pts)
		return err
	})
	e.fill(rings)
	return err
}

func (e *wkbEncoder) point(s *scanner) error {
	i := 0
	err := s.array(func() error {
		v, err := s.number()
		if err != nil {
			return err
		}
		if i < 2 {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
		}
		i++
		return nil
	})
	if err == nil && i < 2 {
		err = fmt.Errorf("a position has %d numbers, want 2", i)
	}
	return err
}

// scanner is a minimal JSON reader over a byte slice, for the shapes GeoJSON geometries take.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *scanner) expect(c byte) error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != c {
		return s.errorf("want %q", c)
	}
	s.i++
	return nil
}

// array calls elem for each element of an array, positioned at the element.
func (s *scanner) array(elem func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.errorf("unterminated array")
		}
		c := s.b[s.i]
		s.i++
		if c == ']' {
			return nil
		}
		if c != ',' {
			return s.errorf("want , or ] in an array")
		}
	}
}

// object calls member for each key, positioned at the value, which member must consume.
func (s *scanner) object(member func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := member(k); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.errorf("unterminated object")
		}
		c := s.b[s.i]
		s.i++
		if c == '}' {
			return nil
		}
		if c != ',' {
			return s.errorf("want , or } in an object")
		}
	}
}

// str reads a string without escapes beyond \" and \\ mattering (keys and type names).
func (s *scanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			v := string(s.b[start:s.i])
			s.i++
			return v, nil
		}
		s.i++
	}
	return "", s.errorf("unterminated string")
}

func (s *scanner) number() (float64, error) {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if start == s.i {
		return 0, s.errorf("want a number")
	}
	t := s.b[start:s.i]
	v, err := strconv.ParseFloat(unsafe.String(&t[0], len(t)), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, s.errorf("%q is not a coordinate", t)
	}
	return v, nil
}

// skip passes over one value of any kind.
func (s *scanner) skip() error {
	s.ws()
	if s.i >= len(s.b) {
		return s.errorf("want a value")
	}
	switch s.b[s.i] {
	case '{':
		return s.object(func(string) error { return s.skip() })
	case '[':
		return s.array(s.skip)
	case '"':
		_, err := s.str()
		return err
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return nil
		}
		s.i++
	}
	return nil
}

// null consumes a JSON null if one is next.
func (s *scanner) null() bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// scalar reads a string, number, boolean or null as text: strings unquoted (with JSON escapes
// decoded), null as "".
func (s *scanner) scalar() (string, error) {
	s.ws()
	if s.i >= len(s.b) {
		return "", s.errorf("want a value")
	}
	switch s.b[s.i] {
	case '"':
		start := s.i
		v, err := s.str()
		if err != nil || !bytes.ContainsRune(s.b[start:s.i], '\\') {
			return v, err
		}
		var u string
		if err := json.Unmarshal(s.b[start:s.i], &u); err != nil {
			return "", s.errorf("bad string: %v", err)
		}
		return u, nil
	case '{', '[':
		start := s.i
		err := s.skip()
		return string(s.b[start:s.i]), err
	}
	if s.null() {
		return "", nil
	}
	start := s.i
	err := s.skip()
	return string(s.b[start:s.i]), err
}
