package tabular

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// ReadAssets reads the community assets of one CSV file, named file within dataset, through the
// mapping m. Postcode-only rows are placed through pc, which may be nil. Every data row is
// counted in RowsRead and ends in exactly one of Assets, Rejected, Unlocated and Excluded (see
// the package documentation). A file that cannot be read as a whole (not CSV, empty, a mapped
// column missing, no name column) is an EINVALID error naming the file and line.
func ReadAssets(dataset, file string, r io.Reader, m Mapping, pc spatlas.Postcodes) (*spatlas.Import, error) {
	cr, err := textio.NewCSVReaderWith(file, r, m.Layout)
	if err != nil {
		return nil, err
	}
	if !m.Layout.NoHeader && IsEpraccur(cr.Header()) {
		cr.HeaderIsData()
		m = m.Or(EpraccurMapping())
	}
	cols, err := resolve(cr, m)
	if err != nil {
		return nil, err
	}
	im := &spatlas.Import{Dataset: dataset, File: file, Fields: slices.Clone(cr.Header())}
	rd := rowReader{cols: cols, m: m, pc: pc, dataset: dataset, file: file}
	for {
		ok, err := cr.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			im.Assets = slices.Concat(append(rd.full, im.Assets)...)
			return im, nil
		}
		im.RowsRead++
		rd.read(im, cr.Line(), cr.Record())
	}
}

// assetChunk is how many assets are gathered before a new slice is started. Growing one slice
// to a million assets would copy it over and over while the collector scans it; the chunks are
// joined once at the end.
const assetChunk = 1 << 15

// rowReader turns records into assets or issues.
type rowReader struct {
	full          [][]spatlas.Asset // chunks of assets read, each assetChunk long
	cols          columns
	m             Mapping
	pc            spatlas.Postcodes
	dataset, file string
}

// Where a row ends up.
const (
	loaded = iota
	rejected
	unlocated
)

// read files one record in im.
func (rd *rowReader) read(im *spatlas.Import, line int, rec []string) {
	c := &rd.cols
	a := spatlas.Asset{
		Dataset: rd.dataset, File: rd.file, Row: line,
		SourceID: field(rec, c.id), Name: Unescape(field(rec, c.name)),
		Address: joinFields(rec, c.address), Postcode: formatPostcode(field(rec, c.postcode)),
		URL: field(rec, c.url),
	}
	issue := spatlas.RowIssue{Row: line, ID: a.SourceID, Name: a.Name, Postcode: a.Postcode}
	if reason, ok := c.excluded(rec); ok {
		issue.Reason = reason
		im.Excluded = append(im.Excluded, issue)
		return
	}
	if a.Name == "" && a.SourceID == "" {
		issue.Reason = "no name and no id"
		im.Rejected = append(im.Rejected, issue)
		return
	}
	where, reason := rd.locate(rec, &a)
	issue.Reason = reason
	switch where {
	case rejected:
		im.Rejected = append(im.Rejected, issue)
	case unlocated:
		im.Unlocated = append(im.Unlocated, issue)
	default:
		a.Hints = rd.hints(rec, a.Name)
		if len(im.Assets) == assetChunk {
			rd.full = append(rd.full, im.Assets)
			im.Assets = make([]spatlas.Asset, 0, assetChunk)
		}
		im.Assets = append(im.Assets, a)
	}
}

// excluded returns the reason of the first exclude rule the record meets.
func (c *columns) excluded(rec []string) (string, bool) {
	for _, x := range c.exclude {
		v := field(rec, x.col)
		if v == "" {
			continue
		}
		if len(x.except) > 0 {
			if !slices.ContainsFunc(x.except, func(s string) bool { return strings.EqualFold(v, strings.TrimSpace(s)) }) {
				return fmt.Sprintf("%s (%s)", x.reason, v), true
			}
			continue
		}
		if len(x.values) == 0 {
			return fmt.Sprintf("%s (%s)", x.reason, v), true
		}
		for _, want := range x.values {
			if strings.EqualFold(v, strings.TrimSpace(want)) {
				return fmt.Sprintf("%s (%s)", x.reason, v), true
			}
		}
	}
	return "", false
}

// hints returns what the row says about its category.
func (rd *rowReader) hints(rec []string, name string) spatlas.CategoryHints {
	h := spatlas.CategoryHints{Category: rd.m.CategoryFixed, Name: name}
	if v := field(rec, rd.cols.category); v != "" {
		h.Labels = append(h.Labels, v)
	}
	for _, i := range rd.cols.labels {
		if v := field(rec, i); v != "" {
			h.Labels = append(h.Labels, v)
		}
	}
	if h.Category == "" && len(h.Labels) == 0 {
		h.Category = rd.m.CategoryDefault
	}
	return h
}

// locate sets a.Loc from the row's longitude and latitude, else its easting and northing, else
// its postcode, and says where the row ends up and why.
func (rd *rowReader) locate(rec []string, a *spatlas.Asset) (int, string) {
	c := &rd.cols
	if where, reason, ok := rd.pair(rec, c.lon, c.lat, spatlas.SRIDWGS84, a); ok {
		return where, reason
	}
	if where, reason, ok := rd.pair(rec, c.easting, c.northing, spatlas.SRIDBNG, a); ok {
		return where, reason
	}
	if a.Postcode == "" {
		return unlocated, "no coordinates and no postcode"
	}
	if rd.pc == nil {
		return unlocated, "postcode only, no postcode lookup loaded"
	}
	lon, lat, ok := rd.pc.Lookup(a.Postcode)
	if !ok {
		return unlocated, fmt.Sprintf("postcode %s not in the postcode lookup", a.Postcode)
	}
	if reason := spatlas.CheckLonLat(lon, lat); reason != "" {
		return rejected, fmt.Sprintf("postcode %s: %s", a.Postcode, reason)
	}
	a.Loc = spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}
	return loaded, ""
}

// pair reads the coordinate columns ix and iy in srid. ok is false when the row has neither
// value (or the file neither column); otherwise the row is loaded or rejected with the reason.
func (rd *rowReader) pair(rec []string, ix, iy, srid int, a *spatlas.Asset) (where int, reason string, ok bool) {
	sx, sy := field(rec, ix), field(rec, iy)
	if sx == "" && sy == "" {
		return 0, "", false
	}
	h := rd.cols.headers
	if sx == "" || sy == "" {
		if sx == "" {
			return rejected, fmt.Sprintf("column %q is empty but %q is %q", h[ix], h[iy], sy), true
		}
		return rejected, fmt.Sprintf("column %q is empty but %q is %q", h[iy], h[ix], sx), true
	}
	x, okx := number(sx)
	y, oky := number(sy)
	switch {
	case !okx:
		return rejected, fmt.Sprintf("column %q: %q is not a number", h[ix], sx), true
	case !oky:
		return rejected, fmt.Sprintf("column %q: %q is not a number", h[iy], sy), true
	}
	check := spatlas.CheckLonLat
	if srid == spatlas.SRIDBNG {
		check = spatlas.CheckEastingNorthing
	}
	if reason := check(x, y); reason != "" {
		return rejected, reason, true
	}
	a.Loc = spatlas.Location{X: x, Y: y, SRID: srid}
	return loaded, "", true
}

// number parses a finite decimal number, written with a decimal point or, as in the
// semicolon-separated files of European locales, a decimal comma ("52,631").
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	}
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// field returns column i of the record with white space trimmed and collapsed, and "" for a
// missing value ("", "NA", "N/A") or an absent column (i < 0).
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	v := clean(rec[i])
	if strings.EqualFold(v, "NA") || strings.EqualFold(v, "N/A") {
		return ""
	}
	return v
}

// clean trims s and collapses each run of white space (line breaks included) to one space. It
// allocates only when s needs changing.
func clean(s string) string {
	tidy := true
	for i := 0; i < len(s) && tidy; i++ {
		switch c := s[i]; {
		case c == ' ':
			tidy = i > 0 && i < len(s)-1 && s[i+1] != ' '
		case c < ' ' || c >= 0x80:
			tidy = false // a tab, a line break, or maybe Unicode white space
		}
	}
	if tidy {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// joinFields joins the non-missing values of the columns with ", ".
func joinFields(rec []string, cols []int) string {
	switch len(cols) {
	case 0:
		return ""
	case 1:
		return field(rec, cols[0])
	}
	var parts []string
	for _, i := range cols {
		if v := field(rec, i); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}
