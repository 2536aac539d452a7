package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

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
