package tabular

import (
	"cmp"
	"io"
	"slices"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// PostcodeTable finds the location of a postcode. It implements spatlas.Postcodes.
type PostcodeTable struct {
	rows       []postcodeRow // sorted by key, one per key
	noLocation int
	invalid    int
}

// postcodeRow is one postcode, packed: 16 bytes.
type postcodeRow struct {
	key      uint64 // the postcode's letters and digits, upper case, one byte each
	lon, lat float32
}

// ReadPostcodes reads a postcode lookup in the layout of the ONS Postcode Directory or the
// National Statistics Postcode Lookup: a postcode column (pcds, or pcd, pcd2, pcd7, pcd8,
// postcode) and lat and long. Rows whose latitude is empty or 99.999999 (the directories' "no
// location") are counted by NoLocation; rows whose postcode is not 5 to 7 letters and digits by
// Invalid. The first row of a postcode that appears twice wins.
func ReadPostcodes(name string, r io.Reader) (*PostcodeTable, error) {
	cr, err := textio.NewCSVReader(name, r)
	if err != nil {
		return nil, err
	}
	ipc := firstColumn(cr, "pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
	ilat := firstColumn(cr, "lat", "latitude")
	ilon := firstColumn(cr, "long", "lon", "lng", "longitude")
	if ipc < 0 || ilat < 0 || ilon < 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID,
			"%s:1: not a postcode lookup: want a postcode column (pcds, pcd, postcode), lat and long; the header has %d columns", name, len(cr.Header()))
	}
	t := &PostcodeTable{}
	for {
		ok, err := cr.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if err := t.add(cr, ipc, ilat, ilon); err != nil {
			return nil, err
		}
	}
	t.sort()
	return t, nil
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
	t.rows = append(t.rows, postcodeRow{key: key, lon: float32(lon), lat: float32(lat)})
	return nil
}

// sort sorts the rows by postcode, keeping the first of each, and trims the slice.
func (t *PostcodeTable) sort() {
	byKey := func(a, b postcodeRow) int { return cmp.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(t.rows, byKey) {
		slices.SortStableFunc(t.rows, byKey)
	}
	t.rows = slices.CompactFunc(t.rows, func(a, b postcodeRow) bool { return a.key == b.key })
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
	return float64(t.rows[i].lon), float64(t.rows[i].lat), true
}

// Len returns the number of postcodes with a location.
func (t *PostcodeTable) Len() int { return len(t.rows) }

// NoLocation returns the number of rows read that had no location.
func (t *PostcodeTable) NoLocation() int { return t.noLocation }

// Invalid returns the number of rows read whose postcode was not a postcode.
func (t *PostcodeTable) Invalid() int { return t.invalid }

// packPostcode packs a postcode's letters and digits, upper-cased, one byte each, ignoring
// spaces. ok is false unless there are 5 to 7 of them and nothing else.
func packPostcode(s string) (key uint64, ok bool) {
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
