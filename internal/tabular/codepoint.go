package tabular

import (
	"bufio"
	"bytes"
	"io"
	"slices"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// postcodeColumns are the names of the postcode column of the postcode directories, in order of
// preference.
var postcodeColumns = []string{"pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode"}

// postcodeLayout is where a postcode lookup file keeps what the table needs.
type postcodeLayout struct {
	bng        bool // eastings and northings (Code-Point Open), not lat and long
	header     bool // the first line is a header
	pc, e, n   int  // the columns of the postcode, easting and northing (bng only)
	minColumns int  // the fewest fields a record may have (bng only)
}

// sniffPostcodeLayout tells the layout of a postcode lookup from its first line, split into
// fields: a header naming eastings and northings (Code-Point Open with the header of its
// Code-Point_Open_Column_Headers.csv), one naming lat and long (the ONS directories), or a first
// record of Code-Point Open as the publisher ships it: a postcode, then three whole numbers.
func sniffPostcodeLayout(first []string) (postcodeLayout, bool) {
	col := func(names ...string) int {
		for _, n := range names {
			if i := slices.IndexFunc(first, func(h string) bool { return textio.HeaderKey(h) == n }); i >= 0 {
				return i
			}
		}
		return -1
	}
	pc := col(postcodeColumns...)
	if e, n := col("eastings", "easting"), col("northings", "northing"); pc >= 0 && e >= 0 && n >= 0 {
		return postcodeLayout{bng: true, header: true, pc: pc, e: e, n: n, minColumns: max(pc, e, n) + 1}, true
	}
	if pc >= 0 && col("lat", "latitude") >= 0 && col("long", "lon", "lng", "longitude") >= 0 {
		return postcodeLayout{}, true
	}
	if len(first) < 4 {
		return postcodeLayout{}, false
	}
	_, okPC := packPostcode(first[0])
	_, okQ := parseWhole([]byte(first[1]))
	_, okE := parseWhole([]byte(first[2]))
	_, okN := parseWhole([]byte(first[3]))
	if !okPC || !okQ || !okE || !okN {
		return postcodeLayout{}, false
	}
	return postcodeLayout{bng: true, pc: 0, e: 2, n: 3, minColumns: 4}, true
}

// readCodePoint reads a Code-Point Open file. Its records are plain: no field holds a comma or a
// line break, and quotes only surround whole fields, so they are split here rather than by a
// general CSV reader, which would take several times as long over 1.7 million lines.
func (t *PostcodeTable) readCodePoint(name string, br *bufio.Reader, l postcodeLayout) error {
	var fields [][]byte
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return spatlas.Errorf(spatlas.EINVALID, "%s:%d: the line is longer than %d bytes: not Code-Point Open", name, line, br.Size())
		}
		if err != nil && err != io.EOF {
			return spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", name, err)
		}
		if rec := bytes.TrimRight(b, "\r\n"); len(rec) > 0 && !(l.header && line == 1) {
			fields = splitFields(rec, fields[:0])
			if err := t.addCodePoint(name, line, fields, l); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// addCodePoint adds one record of a Code-Point Open file.
func (t *PostcodeTable) addCodePoint(name string, line int, fields [][]byte, l postcodeLayout) error {
	if len(fields) < l.minColumns {
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: the record has %d fields, want at least %d", name, line, len(fields), l.minColumns)
	}
	key, ok := packPostcode(fields[l.pc])
	if !ok {
		t.invalid++
		return nil
	}
	e, okE := parseWhole(fields[l.e])
	n, okN := parseWhole(fields[l.n])
	if !okE || !okN {
		return spatlas.Errorf(spatlas.EINVALID, "%s:%d: eastings %q and northings %q must be whole numbers of metres",
			name, line, fields[l.e], fields[l.n])
	}
	if e == 0 && n == 0 { // positional quality 90: no coordinates
		t.noLocation++
		return nil
	}
	t.rows = append(t.rows, postcodeRow{key: key, x: float32(e), y: float32(n)})
	return nil
}

// splitLine splits a line at commas into fields without their surrounding quotes.
func splitLine(b []byte, out []string) []string {
	for _, f := range splitFields(b, nil) {
		out = append(out, string(f))
	}
	return out
}

// splitFields splits a record at commas into out, each field trimmed of spaces and of the quotes
// around it.
func splitFields(b []byte, out [][]byte) [][]byte {
	for {
		i := bytes.IndexByte(b, ',')
		f := b
		if i >= 0 {
			f = b[:i]
		}
		f = bytes.TrimSpace(f)
		if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
			f = f[1 : len(f)-1]
		}
		out = append(out, f)
		if i < 0 {
			return out
		}
		b = b[i+1:]
	}
}

// parseWhole parses a whole number of up to nine digits, with an optional minus sign.
func parseWhole(b []byte) (int32, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	var v int32
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int32(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
