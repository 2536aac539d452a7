package linkworkers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Practice is one GP practice of the practice to PCN map (NHS England's gp-reg-pat-prac-map.csv
// of "Patients Registered at a GP Practice").
type Practice struct {
	Code     string // ODS practice code, such as A81001
	Name     string // as published (upper case)
	Postcode string
	PCNCode  string
	PCNName  string

	SubICBCode    string // ODS code, such as 16C ("" when the file has no such column)
	SubICBONSCode string // E38...
	SubICBName    string
	ICBCode       string // ODS code, such as QHM
	ICBONSCode    string // E54...
	ICBName       string

	Line int // the line of the map file
}

// ReadPracticeMap reads the practice to PCN map. The practice and PCN columns are required, the
// sub-ICB and ICB ones optional. A practice listed twice, or with no code, is an error naming the
// file and line.
func ReadPracticeMap(name string, r io.Reader) ([]Practice, error) {
	c, err := textio.NewCSVReader(name, r)
	if err != nil {
		return nil, err
	}
	idx, err := c.Columns("PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", "PCN_CODE", "PCN_NAME")
	if err != nil {
		return nil, err
	}
	opt := func(names ...string) int {
		for _, n := range names {
			if i := c.Column(n); i >= 0 {
				return i
			}
		}
		return -1
	}
	subICB := opt("SUB_ICB_LOCATION_CODE", "SUB_ICB_CODE")
	subICBONS := opt("ONS_SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_CODE")
	subICBName := opt("SUB_ICB_LOCATION_NAME", "SUB_ICB_NAME")
	icb, icbONS, icbName := opt("ICB_CODE"), opt("ONS_ICB_CODE"), opt("ICB_NAME")

	var out []Practice
	seen := make(map[string]int)
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		rec := c.Record()
		get := func(i int) string {
			if i < 0 {
				return ""
			}
			return strings.Clone(strings.TrimSpace(rec[i]))
		}
		if textio.BlankRecord(rec) {
			continue
		}
		p := Practice{
			Code: strings.ToUpper(get(idx[0])), Name: get(idx[1]), Postcode: get(idx[2]),
			PCNCode: strings.ToUpper(get(idx[3])), PCNName: get(idx[4]),
			SubICBCode: get(subICB), SubICBONSCode: get(subICBONS), SubICBName: get(subICBName),
			ICBCode: get(icb), ICBONSCode: get(icbONS), ICBName: get(icbName),
			Line: c.Line(),
		}
		if p.Code == "" {
			return nil, c.Errorf("PRACTICE_CODE is empty")
		}
		if first, dup := seen[p.Code]; dup {
			return nil, c.Errorf("practice %s is listed twice (first on line %d)", p.Code, first)
		}
		seen[p.Code] = p.Line
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: no practices in the file", name)
	}
	return out, nil
}

// Site is one record with coordinates of a practice location file.
type Site struct {
	Name     string
	Postcode string
	Lon, Lat float64 // WGS84 degrees
	File     string
	Line     int
}

// PracticeLocation is where a practice is, by the practice location files. GP.csv lists a
// practice's branch surgeries under the practice's code, so a code can have several sites.
type PracticeLocation struct {
	Code     string
	Site            // the main site
	Branches []Site // other sites with the same code, in file order
}

// At returns the site whose postcode is postcode (compared without spaces, case folded), or the
// main site when none is: a practice that still has the postcode it had in the file is where
// that record puts it.
func (p PracticeLocation) At(postcode string) Site {
	if k := postcodeKey(postcode); k != "" && postcodeKey(p.Postcode) != k {
		for _, b := range p.Branches {
			if postcodeKey(b.Postcode) == k {
				return b
			}
		}
	}
	return p.Site
}

func postcodeKey(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// LocationsRead counts the records of a practice location file.
type LocationsRead struct {
	Records       int // data records read
	NoCoordinates int // records with an empty or zero latitude or longitude: not in the map
}

// ReadPracticeLocations reads one of the NHS Choices practice files of 2014, GPPractices.csv or
// GP.csv, into sites keyed by OrganisationCode. The files are Windows-1252 text (decoded here to
// UTF-8) with fields separated by the not sign (byte 0xAC) and no quoting at all: quotes and
// TABs inside fields are kept as they are. A file already converted to UTF-8 is read as well.
// Lines end in CRLF or LF. Records with an empty or zero latitude or longitude have no place and
// are only counted. Where a code has several records (GP.csv's branch surgeries) the main site
// is the one whose OrganisationName equals its ParentName, else the first; the others are
// Branches. A record whose number of fields differs from the header's, or whose coordinates are
// not numbers, is an error naming the file and line.
func ReadPracticeLocations(name string, r io.Reader) (map[string]PracticeLocation, LocationsRead, error) {
	var n LocationsRead
	pf := &practiceFile{name: name, br: bufio.NewReaderSize(r, 64<<10)}
	if err := pf.readHeader(); err != nil {
		return nil, n, err
	}
	out := make(map[string]PracticeLocation)
	fields := make([][]byte, 0, len(pf.cols))
	for {
		b, err := pf.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, n, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		n.Records++
		fields = fields[:0]
		for f := range bytes.SplitSeq(b, pf.sep) {
			fields = append(fields, f)
		}
		code, s, parent, err := pf.site(fields)
		if err != nil {
			return nil, n, err
		}
		if code == "" {
			n.NoCoordinates++
			continue
		}
		loc, ok := out[code]
		switch {
		case !ok:
			loc = PracticeLocation{Code: code, Site: s}
		case pf.parent >= 0 && strings.EqualFold(s.Name, parent) && !strings.EqualFold(loc.Name, parent):
			// This record is the practice's main site; an earlier one was a branch.
			loc.Branches = append([]Site{loc.Site}, loc.Branches...)
			loc.Site = s
		default:
			loc.Branches = append(loc.Branches, s)
		}
		out[code] = loc
	}
	return out, n, nil
}

// practiceFile reads the lines of an NHS Choices practice file.
type practiceFile struct {
	name   string
	br     *bufio.Reader
	line   int
	sep    []byte              // the field separator, ¬ in the file's encoding
	decode func([]byte) string // a field's text as UTF-8
	cols   []string            // the header's field names
	idx    []int               // the fields of OrganisationCode, OrganisationName, Postcode, Latitude, Longitude
	parent int                 // the field of ParentName, or -1
}

// readLine returns the next line without its line end; io.EOF at the end of the file.
func (pf *practiceFile) readLine() ([]byte, error) {
	b, err := pf.br.ReadBytes('\n')
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	if err != nil {
		if err != io.EOF {
			err = spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", pf.name, err)
		}
		return nil, err
	}
	pf.line++
	return bytes.TrimRight(b, "\r\n"), nil
}

// readHeader reads the header line: the file's encoding, its separator and its fields.
func (pf *practiceFile) readHeader() error {
	head, err := pf.readLine()
	if err == io.EOF {
		return spatlas.Errorf(spatlas.EINVALID, "%s: the file is empty", pf.name)
	}
	if err != nil {
		return err
	}
	// The file is Windows-1252 unless its header holds the not sign as UTF-8 (C2 AC).
	pf.sep, pf.decode = []byte{0xac}, decodeCP1252
	if bytes.Contains(head, []byte{0xc2, 0xac}) && utf8.Valid(head) {
		head = bytes.TrimPrefix(head, []byte{0xef, 0xbb, 0xbf})
		pf.sep, pf.decode = []byte("¬"), func(b []byte) string { return strings.ToValidUTF8(string(b), "\uFFFD") }
	}
	if !bytes.Contains(head, pf.sep) {
		return spatlas.Errorf(spatlas.EINVALID,
			"%s:1: the header has no field separator ¬ (byte 0xAC): not an NHS Choices practice file", pf.name)
	}
	for f := range bytes.SplitSeq(head, pf.sep) {
		pf.cols = append(pf.cols, strings.TrimSpace(pf.decode(f)))
	}
	col := func(want string) int {
		for i, c := range pf.cols {
			if strings.EqualFold(c, want) {
				return i
			}
		}
		return -1
	}
	need := []string{"OrganisationCode", "OrganisationName", "Postcode", "Latitude", "Longitude"}
	pf.idx = make([]int, len(need))
	for i, w := range need {
		if pf.idx[i] = col(w); pf.idx[i] < 0 {
			return spatlas.Errorf(spatlas.EINVALID, "%s:1: missing field %q (the header has %s)",
				pf.name, w, strings.Join(pf.cols, ", "))
		}
	}
	pf.parent = col("ParentName")
	return nil
}

// site reads the fields of the current record: the practice code ("" for a record with no
// place), its site and its ParentName.
func (pf *practiceFile) site(fields [][]byte) (code string, s Site, parent string, err error) {
	if len(fields) != len(pf.cols) {
		return "", s, "", spatlas.Errorf(spatlas.EINVALID,
			"%s:%d: the record has %d fields where the header has %d (fields are separated by ¬, byte 0xAC)",
			pf.name, pf.line, len(fields), len(pf.cols))
	}
	get := func(i int) string { return strings.TrimSpace(pf.decode(fields[i])) }
	code = strings.ToUpper(get(pf.idx[0]))
	lat, okLat, err := coordinate(get(pf.idx[3]))
	if err != nil {
		return "", s, "", spatlas.Errorf(spatlas.EINVALID, "%s:%d: Latitude %q is not a number", pf.name, pf.line, get(pf.idx[3]))
	}
	lon, okLon, err := coordinate(get(pf.idx[4]))
	if err != nil {
		return "", s, "", spatlas.Errorf(spatlas.EINVALID, "%s:%d: Longitude %q is not a number", pf.name, pf.line, get(pf.idx[4]))
	}
	if code == "" || !okLat || !okLon || lat == 0 {
		return "", s, "", nil
	}
	if pf.parent >= 0 {
		parent = get(pf.parent)
	}
	return code, Site{Name: get(pf.idx[1]), Postcode: get(pf.idx[2]), Lon: lon, Lat: lat, File: pf.name, Line: pf.line}, parent, nil
}

// coordinate parses a coordinate of the practice files ("52.869422912597656",
// "-9.3959562480449677E-2"); ok is false for an empty value.
func coordinate(s string) (v float64, ok bool, err error) {
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, errors.New("not a number")
	}
	return v, true, nil
}

// MergeLocations combines the sites of two practice location files: a practice in preferred
// keeps its main site from there and gains the fallback's sites as branches (which At chooses
// only when their postcode is the practice's postcode and the preferred site's is not); a
// practice only in fallback is taken from there. Neither map is changed.
func MergeLocations(preferred, fallback map[string]PracticeLocation) map[string]PracticeLocation {
	out := make(map[string]PracticeLocation, max(len(preferred), len(fallback)))
	for code, loc := range fallback {
		out[code] = loc
	}
	for code, loc := range preferred {
		if fb, ok := fallback[code]; ok {
			br := make([]Site, 0, len(loc.Branches)+1+len(fb.Branches))
			br = append(append(append(br, loc.Branches...), fb.Site), fb.Branches...)
			loc.Branches = br
		}
		out[code] = loc
	}
	return out
}

// decodeCP1252 decodes Windows-1252 text to UTF-8.
func decodeCP1252(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	// The characters of bytes 0x80 to 0x9F; the bytes Windows-1252 leaves undefined decode to
	// U+FFFD. Every other byte is the Latin-1 character of the same number.
	high := [32]rune{
		'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
		'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xa0:
			sb.WriteRune(high[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
