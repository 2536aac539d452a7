package textio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// CSVReader reads one CSV file as exported by spreadsheets and R alike: it strips a UTF-8 byte
// order mark, accepts LF, CRLF and CR CR LF line endings and a missing final newline, keeps the
// line of each record for error messages, and parses numbers the way the publishers write them.
type CSVReader struct {
	name   string
	cr     *csv.Reader
	header []string // the header row, each name trimmed
	keys   []string // the header names normalised by headerKey
	rec    []string // the current record
	// pending is the first record of a file without a header row, read as its header.
	pending []string
	line    int // the line the current record starts on
}

// CSVOptions say how a CSV file is laid out. The zero value is a comma-separated file with a
// header row.
type CSVOptions struct {
	// Separator separates the fields; 0 is a comma. SniffSeparator tells it from a file's start.
	Separator rune
	// NoHeader says the file has no header row: its columns are named by number, "1" the first.
	NoHeader bool
}

// NewCSVReader reads the header row of a comma-separated file r. A file with no bytes, or only a
// byte order mark and blank lines, is an error.
func NewCSVReader(name string, r io.Reader) (*CSVReader, error) {
	return NewCSVReaderWith(name, r, CSVOptions{})
}

// NewCSVReaderWith reads the header row of r, laid out as o says; without a header row, the
// first record is the first Next returns.
func NewCSVReaderWith(name string, r io.Reader, o CSVOptions) (*CSVReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); len(b) == 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		br.Discard(3)
	} else if IsGzip(br) {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: the file is gzip-compressed; open it with textio.Open", name)
	}
	cr := csv.NewReader(&lineEndReader{r: br})
	if o.Separator != 0 {
		cr.Comma = o.Separator
	}
	cr.ReuseRecord = true
	c := &CSVReader{name: name, cr: cr}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: the file is empty", name)
	}
	if err != nil {
		return nil, c.readError(err)
	}
	c.header = make([]string, len(head))
	c.keys = make([]string, len(head))
	for i, h := range head {
		c.header[i] = strings.TrimSpace(h)
		c.keys[i] = HeaderKey(h)
	}
	c.line, _ = cr.FieldPos(0)
	if o.NoHeader {
		c.HeaderIsData()
	}
	return c, nil
}

// HeaderIsData makes the row read as the header the first record Next returns, and names the
// columns by number ("1" the first), for a file found to have no header row. Call it before Next.
func (c *CSVReader) HeaderIsData() {
	if c.pending != nil {
		return
	}
	c.pending = slices.Clone(c.header)
	for i := range c.header {
		c.header[i] = strconv.Itoa(i + 1)
		c.keys[i] = c.header[i]
	}
}

// HeaderKey normalises a column name for matching: surrounding space trimmed, runs of white space
// (line breaks included) collapsed to one space, case folded.
func HeaderKey(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(h), " "))
}

// Next reads the next record, which Record then returns. It returns false at the end of the file
// and on an error, which it also returns. A record whose number of fields differs from the
// header's is an error.
func (c *CSVReader) Next() (bool, error) {
	if c.pending != nil {
		c.rec, c.pending = c.pending, nil
		return true, nil
	}
	rec, err := c.cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, c.readError(err)
	}
	c.rec = rec
	c.line, _ = c.cr.FieldPos(0)
	return true, nil
}

// Header returns the header row, each name trimmed.
func (c *CSVReader) Header() []string { return c.header }

// Name returns the file name errors are reported against.
func (c *CSVReader) Name() string { return c.name }

// Record returns the current record. It is overwritten by the next call to Next.
func (c *CSVReader) Record() []string { return c.rec }

// Line returns the line of the file the current record starts on (the header is line 1).
func (c *CSVReader) Line() int { return c.line }

// Column returns the index of the column whose normalised name is key, or -1. The columns of a
// file without a header row are named by number, "1" the first.
func (c *CSVReader) Column(key string) int {
	key = HeaderKey(key)
	for i, k := range c.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Columns returns the index of each wanted column, or an error naming the file and the first
// missing column.
func (c *CSVReader) Columns(want ...string) ([]int, error) {
	idx := make([]int, len(want))
	for i, w := range want {
		if idx[i] = c.Column(w); idx[i] < 0 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: missing column %q (the header has %s)",
				c.name, w, QuoteList(c.header, 12))
		}
	}
	return idx, nil
}

// Errorf returns an EINVALID error that names the file and the current record's line.
func (c *CSVReader) Errorf(format string, args ...any) error {
	return spatlas.Errorf(spatlas.EINVALID, "%s:%d: %s", c.name, c.line, fmt.Sprintf(format, args...))
}

// readError turns an error of encoding/csv or of the underlying reader into one naming the file and
// line.
func (c *CSVReader) readError(err error) error {
	var se *spatlas.Error
	if errors.As(err, &se) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return spatlas.Errorf(spatlas.EINVALID, "%s:%d: the record has a different number of fields than the header's %d",
				c.name, pe.StartLine, len(c.header))
		}
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: not valid CSV: %v", c.name, pe.Line, pe.Err)
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", c.name, err)
}

// Int parses column i of the current record as a whole number. An empty (or blank) value is
// missing: ok is false and err nil.
func (c *CSVReader) Int(i int) (v int64, ok bool, err error) {
	s := c.rec[i]
	v, ok, good := parseWhole(s)
	if !good {
		return 0, false, c.Errorf("column %q: %q is not a whole number", c.header[i], s)
	}
	return v, ok, nil
}

// Float parses column i of the current record as a finite decimal number. An empty (or blank)
// value is missing: ok is false and err nil.
func (c *CSVReader) Float(i int) (v float64, ok bool, err error) {
	s := c.rec[i]
	v, ok, good := parseDecimal(s)
	if !good {
		return 0, false, c.Errorf("column %q: %q is not a number", c.header[i], s)
	}
	return v, ok, nil
}

// parseWhole parses a whole number as the publishers write it: "29199", "29,199" (thousands
// separators, which the CSV quoting keeps inside the field) or "29199.0". ok is false for an
// empty value; good is false for a value that is not a whole number.
func parseWhole(s string) (v int64, ok, good bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, true
	}
	t, good := stripThousands(s)
	if !good {
		return 0, false, false
	}
	if v, err := strconv.ParseInt(t, 10, 64); err == nil {
		return v, true, true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false, false
	}
	return int64(f), true, true
}

// parseDecimal parses a finite decimal number, with optional thousands separators. ok is false for
// an empty value; good is false for a value that is not a number (NaN and infinities included).
func parseDecimal(s string) (v float64, ok, good bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, true
	}
	t, good := stripThousands(s)
	if !good {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, false
	}
	return v, true, true
}

// stripThousands removes the thousands separators of a number such as "1,296" or "-12,345.5".
// Separators must group the integer digits in threes; a number without any is returned as is.
func stripThousands(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, true
	}
	sign := ""
	if s[0] == '-' || s[0] == '+' {
		sign, s = s[:1], s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	groups := strings.Split(intPart, ",")
	for i, g := range groups {
		if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) || strings.Trim(g, "0123456789") != "" {
			return "", false
		}
	}
	return sign + strings.Join(groups, "") + frac, true
}

// QuoteList renders up to max names as a quoted, comma-separated list.
func QuoteList(names []string, max int) string {
	var b strings.Builder
	for i, n := range names {
		if i == max {
			fmt.Fprintf(&b, ", ... (%d more)", len(names)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	if len(names) == 0 {
		return "no columns"
	}
	return b.String()
}

// lineEndReader drops the carriage returns before each line feed, so that CR LF and the CR CR LF
// of some spreadsheet exports both end a line, and encoding/csv never sees a stray CR after a
// quoted field. Carriage returns elsewhere pass through. Line numbers are unchanged.
type lineEndReader struct {
	r   io.Reader
	raw [32 << 10]byte
	buf []byte // unread part of raw
	cr  int    // carriage returns read but not yet passed on: they may precede a line feed
	err error
}

func (l *lineEndReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if len(l.buf) == 0 {
			if l.err != nil {
				if l.cr > 0 { // carriage returns at the very end of the file
					n := min(l.cr, len(p))
					for i := range n {
						p[i] = '\r'
					}
					l.cr -= n
					return n, nil
				}
				return 0, l.err
			}
			n, err := l.r.Read(l.raw[:])
			l.buf, l.err = l.raw[:n], err
			continue
		}
		out, i := 0, 0
		for i < len(l.buf) && out < len(p) {
			b := l.buf[i]
			switch {
			case b == '\r':
				l.cr++
				i++
				continue
			case l.cr > 0 && b == '\n':
				l.cr = 0
			case l.cr > 0:
				p[out] = '\r' // a carriage return not followed by a line feed
				out++
				l.cr--
				continue
			}
			p[out] = b
			out++
			i++
		}
		l.buf = l.buf[i:]
		if out > 0 {
			return out, nil
		}
	}
}

// BlankRecord reports whether every field of rec is empty, as in the trailing rows some
// spreadsheet exports write.
func BlankRecord(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
