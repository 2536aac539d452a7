package tabular

import (
	"bufio"
	"bytes"
	"cmp"
	"io"
	"slices"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// PostcodeTable finds the location of a postcode. It implements spatlas.Postcodes.
type PostcodeTable struct {
	rows       []postcodeRow // sorted by key, one per key
	bng        bool          // the rows hold easting and northing (EPSG:27700), not lon and lat
	noLocation int
	invalid    int
}

// postcodeRow is one postcode, packed: 16 bytes. x and y are longitude and latitude, or easting
// and northing in metres when the table's bng is set (converted to WGS84 on lookup).
type postcodeRow struct {
	key  uint64 // the postcode's letters and digits, upper case, one byte each
	x, y float32
}

// ReadPostcodes reads a postcode lookup in one of the layouts ReadFrom knows.
func ReadPostcodes(name string, r io.Reader) (*PostcodeTable, error) {
	t := &PostcodeTable{}
	if err := t.ReadFrom(name, r); err != nil {
		return nil, err
	}
	t.Finish()
	return t, nil
}

// ReadFrom adds the postcodes of one file to the table, which must then be finished with Finish
// before lookups. It tells the layout from the file's first line:
//
//   - the ONS Postcode Directory or the National Statistics Postcode Lookup: a postcode column
//     (pcds, or pcd, pcd2, pcd7, pcd8, postcode) and lat and long. Rows whose latitude is empty
//     or 99.999999 (the directories' "no location") are counted by NoLocation.
//   - OS Code-Point Open with a header row: Postcode, Eastings and Northings (British National
//     Grid metres); or without one, as the publisher's per-area files come: postcode, positional
//     quality, eastings, northings, then codes. Rows at (0, 0), positional quality 90, are
//     counted by NoLocation.
//
// Rows whose postcode is not 5 to 7 letters and digits are counted by Invalid. The first row of a
// postcode that appears twice wins. Every file of a table must be in the same coordinates.
func (t *PostcodeTable) ReadFrom(name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	if b, _ := br.Peek(3); len(b) == 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		br.Discard(3)
	}
	first, err := br.Peek(64 << 10)
	if len(first) == 0 {
		if err != nil && err != io.EOF {
			return spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", name, err)
		}
		return spatlas.Errorf(spatlas.EINVALID, "%s: the file is empty", name)
	}
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	l, ok := sniffPostcodeLayout(splitLine(bytes.TrimRight(first, "\r"), nil))
	if !ok {
		return spatlas.Errorf(spatlas.EINVALID,
			"%s:1: not a postcode lookup: want an ONS Postcode Directory or NSPL (a postcode column such as pcds, and lat and long) or OS Code-Point Open (postcode, positional quality, eastings, northings)", name)
	}
	if len(t.rows) > 0 && t.bng != l.bng {
		return spatlas.Errorf(spatlas.EINVALID,
			"%s: the file gives postcodes in other coordinates than the files read before it: keep one kind of lookup", name)
	}
	t.bng = l.bng
	if !l.bng {
		return t.readDirectory(name, br)
	}
	return t.readCodePoint(name, br, l)
}

// readDirectory reads a file of the ONS Postcode Directory or the NSPL.
func (t *PostcodeTable) readDirectory(name string, r io.Reader) error {
	cr, err := textio.NewCSVReader(name, r)
	if err != nil {
		return err
	}
	ipc := firstColumn(cr, postcodeColumns...)
	ilat := firstColumn(cr, "lat", "latitude")
	ilon := firstColumn(cr, "long", "lon", "lng", "longitude")
	for {
		ok, err := cr.Next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := t.add(cr, ipc, ilat, ilon); err != nil {
			return err
		}
	}
}

// add adds the current record of cr.
func (t *PostcodeTable) add(cr *textio.CSVReader, ipc, ilat, ilon int) error {
	key, ok := packPostcode(cr.Record()[ipc])
	if !ok {
		t.invalid++
		return nil
	}
	lat, okLat, err := cr.Float(ilat)
	if err != nil {
		return err
	}
	lon, okLon, err := cr.Float(ilon)
	if err != nil {
		return err
	}
	if !okLat || !okLon || lat > 90 { // 99.999999: no location
		t.noLocation++
		return nil
	}
	t.rows = append(t.rows, postcodeRow{key: key, x: float32(lon), y: float32(lat)})
	return nil
}

// Finish sorts the rows by postcode, keeping the first of each, and trims the table to its size.
func (t *PostcodeTable) Finish() {
	byKey := func(a, b postcodeRow) int { return cmp.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(t.rows, byKey) {
		slices.SortStableFunc(t.rows, byKey)
	}
	t.rows = slices.CompactFunc(t.rows, func(a, b postcodeRow) bool { return a.key == b.key })
	if cap(t.rows) > len(t.rows)+len(t.rows)/16 {
		t.rows = slices.Clone(t.rows) // drop what appending left spare
	}
	t.rows = slices.Clip(t.rows)
}

// firstColumn returns the index of the first of the names the header has, or -1.
func firstColumn(cr *textio.CSVReader, names ...string) int {
	for _, n := range names {
		if i := cr.Column(n); i >= 0 {
			return i
		}
	}
	return -1
}

// Lookup returns the longitude and latitude of a postcode written in any common form ("M1 1AE",
// "m11ae", "M1  1AE").
func (t *PostcodeTable) Lookup(postcode string) (lon, lat float64, ok bool) {
	key, ok := packPostcode(postcode)
	if !ok {
		return 0, 0, false
	}
	i, found := slices.BinarySearchFunc(t.rows, key, func(r postcodeRow, k uint64) int { return cmp.Compare(r.key, k) })
	if !found {
		return 0, 0, false
	}
	row := t.rows[i]
	if t.bng {
		lon, lat = bngToWGS84(float64(row.x), float64(row.y))
		return lon, lat, true
	}
	return float64(row.x), float64(row.y), true
}

// Len returns the number of postcodes with a location.
func (t *PostcodeTable) Len() int { return len(t.rows) }

// NoLocation returns the number of rows read that had no location.
func (t *PostcodeTable) NoLocation() int { return t.noLocation }

// Invalid returns the number of rows read whose postcode was not a postcode.
func (t *PostcodeTable) Invalid() int { return t.invalid }

// packPostcode packs a postcode's letters and digits, upper-cased, one byte each, ignoring
// spaces, with a letter O where the inward code's digit is read as a zero ("WA15 OHF" is
// "WA15 0HF"). ok is false unless there are 5 to 7 of them and nothing else.
func packPostcode[S ~string | ~[]byte](s S) (key uint64, ok bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return 0, false
		}
		if n == 7 {
			return 0, false
		}
		key = key<<8 | uint64(c)
		n++
	}
	if n >= 5 && byte(key>>16) == 'O' {
		// The inward code starts with a digit: a letter O there is a zero mistyped.
		key = key&^(0xff<<16) | uint64('0')<<16
	}
	return key, n >= 5
}

// formatPostcode writes a postcode in upper case with one space before the inward code
// ("ig117nb" is "IG11 7NB"). A value that is not a postcode is returned as it is.
func formatPostcode(s string) string {
	key, ok := packPostcode(s)
	if !ok {
		return s
	}
	var b [8]byte
	n := 0
	for k := key; k != 0; k >>= 8 {
		n++
	}
	for i, k := n-1, key; i >= 0; i, k = i-1, k>>8 {
		b[i] = byte(k)
	}
	copy(b[n-2:], b[n-3:n])
	b[n-3] = ' '
	return string(b[:n+1])
}
