package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
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

// scanner is a minimal JSON reader over a byte slice, for the shapes GeoJSON files take. It checks
// the JSON grammar of everything it reads or passes over.
type scanner struct {
	b    []byte
	i    int
	nest int // arrays and objects open
}

// maxNest bounds the nesting of arrays and objects, so that a hostile file cannot exhaust the
// stack; a GeoJSON boundary file nests six deep.
const maxNest = 512

// syntaxError is a fault in the JSON text at a byte offset.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("at byte %d: %s", e.off, e.msg) }

func (s *scanner) errorf(format string, args ...any) error {
	return &syntaxError{off: s.i, msg: fmt.Sprintf(format, args...)}
}

// lineCol gives the 1-based line and column (in bytes) of a byte offset.
func (s *scanner) lineCol(off int) (line, col int) {
	off = min(off, len(s.b))
	nl := bytes.LastIndexByte(s.b[:off], '\n')
	return 1 + bytes.Count(s.b[:off], []byte{'\n'}), off - nl
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

func (s *scanner) expect(c byte) error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != c {
		return s.errorf("want %q", c)
	}
	s.i++
	return nil
}

// depth counts the brackets that open the value at the scanner's position, which it does not move.
func (s *scanner) depth() int {
	d := 0
	for j := s.i; j < len(s.b); j++ {
		switch s.b[j] {
		case '[':
			d++
		case ' ', '\t', '\n', '\r':
		default:
			return d
		}
	}
	return d
}

// emptyArray reports whether the first d brackets at the scanner's position are followed by ].
func (s *scanner) emptyArray(d int) bool {
	for j := s.i; j < len(s.b); j++ {
		switch s.b[j] {
		case '[':
			d--
		case ' ', '\t', '\n', '\r':
		default:
			return d == 0 && s.b[j] == ']'
		}
	}
	return false
}

// enter consumes the opening bracket or brace c and counts the nesting it opens; the caller
// decrements s.nest when the value ends.
func (s *scanner) enter(c byte) error {
	if err := s.expect(c); err != nil {
		return err
	}
	if s.nest++; s.nest > maxNest {
		s.nest--
		s.i--
		return s.errorf("arrays and objects nest more than %d deep", maxNest)
	}
	return nil
}

// array calls elem for each element of an array, positioned at the element.
func (s *scanner) array(elem func() error) error {
	return s.list('[', ']', "array", elem)
}

// object calls member for each key, positioned at the value, which member must consume.
func (s *scanner) object(member func(key string) error) error {
	return s.list('{', '}', "object", func() error {
		k, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		return member(k)
	})
}

// list reads a bracketed, comma-separated sequence, calling each for every element.
func (s *scanner) list(open, close byte, what string, each func() error) error {
	if err := s.enter(open); err != nil {
		return err
	}
	defer func() { s.nest-- }()
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == close {
		s.i++
		return nil
	}
	for {
		if err := each(); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.errorf("unterminated %s", what)
		}
		c := s.b[s.i]
		s.i++
		if c == close {
			return nil
		}
		if c != ',' {
			s.i--
			return s.errorf("want , or %c in an %s", close, what)
		}
	}
}

// str reads a string as it is written, escapes undecoded (keys and type names, which have none);
// it checks the escapes and that there are no control characters.
func (s *scanner) str() (string, error) {
	raw, err := s.rawStr()
	return string(raw), err
}

// rawStr reads a string and returns the text between its quotes.
func (s *scanner) rawStr() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], nil
		case c == '\\':
			s.i++
			if s.i >= len(s.b) {
				return nil, s.errorf("unterminated string")
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for k := 1; k <= 4; k++ {
					if s.i+k >= len(s.b) {
						s.i += k
						return nil, s.errorf("unterminated string")
					}
					if !isHex(s.b[s.i+k]) {
						return nil, s.errorf("bad \\u escape in a string")
					}
				}
				s.i += 4
			default:
				return nil, s.errorf("bad escape \\%c in a string", s.b[s.i])
			}
		case c < 0x20:
			return nil, s.errorf("a control character in a string")
		}
		s.i++
	}
	return nil, s.errorf("unterminated string")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// numberText passes over a JSON number and returns its text.
func (s *scanner) numberText() ([]byte, error) {
	s.ws()
	b, i, start := s.b, s.i, s.i
	digits := func() bool {
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > d
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		s.i = i
		return nil, s.errorf("want a number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			s.i = i
			return nil, s.errorf("want a digit after the decimal point")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			s.i = i
			return nil, s.errorf("want a digit in the exponent")
		}
	}
	s.i = i
	return b[start:i], nil
}

// number reads a JSON number as a finite float64.
func (s *scanner) number() (float64, error) {
	t, err := s.numberText()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(t), len(t)), 64)
	if err != nil {
		return 0, s.errorf("%s is out of range", t)
	}
	return v, nil
}

// literal passes over true, false or null.
func (s *scanner) literal() ([]byte, error) {
	for _, w := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			return s.b[s.i-len(w) : s.i], nil
		}
	}
	if rest := s.b[s.i:]; len(rest) < 5 && (bytes.HasPrefix([]byte("true"), rest) ||
		bytes.HasPrefix([]byte("false"), rest) || bytes.HasPrefix([]byte("null"), rest)) {
		s.i = len(s.b) // the file ends inside the word
	}
	return nil, s.errorf("want a value")
}

// skip passes over one value of any kind.
func (s *scanner) skip() error {
	s.ws()
	if s.i >= len(s.b) {
		return s.errorf("want a value")
	}
	var err error
	switch c := s.b[s.i]; {
	case c == '{':
		return s.object(func(string) error { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, err = s.rawStr()
	case c == '-' || '0' <= c && c <= '9':
		_, err = s.numberText()
	default:
		_, err = s.literal()
	}
	return err
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

// scalar reads a string, number, boolean or null as text: strings unquoted, with JSON escapes
// decoded, null as "", objects and arrays as their JSON text. Text that is not valid UTF-8 or
// holds a NUL, which a database text column cannot take, is an error.
func (s *scanner) scalar() (string, error) {
	s.ws()
	if s.i >= len(s.b) {
		return "", s.errorf("want a value")
	}
	start := s.i
	if s.b[s.i] != '"' {
		if s.null() {
			return "", nil
		}
		if err := s.skip(); err != nil {
			return "", err
		}
		return string(s.b[start:s.i]), nil
	}
	raw, err := s.rawStr()
	if err != nil {
		return "", err
	}
	v := string(raw)
	if bytes.IndexByte(raw, '\\') >= 0 {
		if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
			return "", &syntaxError{off: start, msg: fmt.Sprintf("bad string: %v", err)}
		}
	}
	if !utf8.ValidString(v) {
		return "", fmt.Errorf("the text %q is not valid UTF-8", v)
	}
	if strings.IndexByte(v, 0) >= 0 {
		return "", fmt.Errorf("the text %q holds a NUL character", v)
	}
	return v, nil
}
