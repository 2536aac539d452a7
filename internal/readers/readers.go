package readers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spatlas/spatlas/internal/geoassets"
	"github.com/spatlas/spatlas/internal/linkworkers"
	"github.com/spatlas/spatlas/internal/oruk"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/textio"
)

// Options is what any reader may need to read one file.
type Options struct {
	Kind    string // spatlas.KindAssets (the default) or spatlas.KindServices
	Format  string // a Format's Name; "" or "auto" finds it from the content
	Dataset string // the dataset the file is filed under
	File    string // the file's name, in errors and on every record
	// Postcodes places records that have only a postcode; nil leaves them unlocated.
	Postcodes spatlas.Postcodes
	// Category, when set, is the taxonomy category id of every asset of the file.
	Category string
	// Mapping names the columns of a CSV file, or the properties of a GeoJSON or OpenStreetMap
	// file, of assets; what it leaves out is found among common names (tabular.DefaultPresets).
	Mapping tabular.Mapping
	// Encoding is the file's text encoding; "" or "auto" tells it from the bytes (textio.Decode).
	Encoding string
	// Separator separates the fields of a CSV file: ",", ";", "tab", "|" or "¬"; "" tells it
	// from the first lines (textio.SniffSeparator).
	Separator string
	// NoHeader says a CSV file has no header row: its columns are named by number, "1" the first.
	NoHeader bool
}

// Reader reads one file of provision into an import in which every record read is accounted
// for. Problems with the file as a whole are *spatlas.Error values naming the file.
type Reader func(r io.Reader, o Options) (*spatlas.Import, error)

// Format is one input format of one kind of provision.
type Format struct {
	Name    string // what -format takes
	Kind    string // spatlas.KindAssets or spatlas.KindServices
	Content string // the content format Sniff gives for it
	About   string // what the format is, for hints
	Read    Reader
}

// Formats lists every format spatlas reads, assets first.
func Formats() []Format {
	return []Format{
		{"csv", spatlas.KindAssets, ContentCSV, "CSV, separated by , ; tab | or ¬, with a header line or -no-header", readCSVAssets},
		{"geojson", spatlas.KindAssets, ContentGeoJSON, "a GeoJSON FeatureCollection or Feature", readGeoJSON},
		{"osm", spatlas.KindAssets, ContentOSM, "OpenStreetMap GeoJSON, with ids such as node/123", readOSM},
		{"overpass", spatlas.KindAssets, ContentOverpass, "Overpass API JSON", readOverpass},
		{"oruk", spatlas.KindAssets, ContentORUK, "Open Referral UK JSON: a list of services, a page of them or one service", readORUK},
		{"csv", spatlas.KindServices, ContentCSV, "a services CSV with a header line", readServicesCSV},
		{"geojson", spatlas.KindServices, ContentGeoJSON, "a services GeoJSON FeatureCollection or Feature", readServicesGeoJSON},
	}
}

// Names lists the format names of a kind of provision.
func Names(kind string) []string {
	var out []string
	for _, f := range Formats() {
		if f.Kind == kindOr(kind) {
			out = append(out, f.Name)
		}
	}
	return out
}

func kindOr(kind string) string {
	if kind == "" {
		return spatlas.KindAssets
	}
	return kind
}

// Lookup returns the format of a kind named name.
func Lookup(kind, name string) (Format, error) {
	for _, f := range Formats() {
		if f.Kind == kindOr(kind) && f.Name == name {
			return f, nil
		}
	}
	return Format{}, spatlas.Errorf(spatlas.EINVALID, "format %q: %s files are %s", name, kindOr(kind), strings.Join(Names(kind), ", "))
}

// Detect returns the format of a kind that content is in; OpenStreetMap GeoJSON is read as
// GeoJSON when the kind has no OpenStreetMap reader. When it cannot tell, the error says which
// formats it tried and which format to name.
func Detect(kind, file string, head []byte) (Format, error) {
	c := Sniff(head)
	for _, cs := range []string{c, fallback(c)} {
		for _, f := range Formats() {
			if cs != "" && f.Kind == kindOr(kind) && f.Content == cs {
				return f, nil
			}
		}
	}
	if len(strings.TrimSpace(strings.TrimPrefix(string(head), "\xef\xbb\xbf"))) == 0 {
		return Format{}, spatlas.Errorf(spatlas.EINVALID, "%s: the file is empty", file)
	}
	var tried []string
	for _, f := range Formats() {
		if f.Kind == kindOr(kind) {
			tried = append(tried, f.Name+" ("+f.About+")")
		}
	}
	what := "cannot tell the format from the content"
	if c != "" {
		what = fmt.Sprintf("the content looks like %s, which %s files are not read from", c, kindOr(kind))
	}
	return Format{}, spatlas.Errorf(spatlas.EINVALID, "%s: %s; tried %s; if it is one of these, name it with -format %s",
		file, what, strings.Join(tried, ", "), strings.Join(Names(kind), ", -format "))
}

// fallback is the content format read in place of c when a kind has no reader for c.
func fallback(c string) string {
	if c == ContentOSM {
		return ContentGeoJSON
	}
	return ""
}

// Read reads one file in the format o names, or else the format its content is in, and returns
// the import and the format read.
//
// The file is read as UTF-8 text whatever its encoding (o.Encoding, or else the one its bytes
// show: see textio.Decode), so that a byte that is not text stops the read with the file, line
// and column.
func Read(r io.Reader, o Options) (*spatlas.Import, Format, error) {
	var f Format
	sep, err := separator(o.Separator)
	if err != nil {
		return nil, f, err
	}
	text, _, err := textio.Decode(fileName(o), r, o.Encoding)
	if err != nil {
		return nil, f, err
	}
	br := bufio.NewReaderSize(text, SniffSize)
	head, perr := br.Peek(SniffSize)
	if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
		return nil, f, perr
	}
	if o.Format == "" || o.Format == "auto" {
		f, err = Detect(o.Kind, fileName(o), head)
	} else {
		f, err = Lookup(o.Kind, o.Format)
	}
	if err != nil {
		return nil, f, err
	}
	if f.Content == ContentCSV {
		if sep == 0 {
			sep = textio.SniffSeparator(head)
		}
		o.Mapping.Layout = textio.CSVOptions{Separator: sep, NoHeader: o.NoHeader || o.Mapping.Layout.NoHeader}
	}
	im, err := f.Read(br, o)
	return im, f, err
}

// separator reads the value of -separator; "" is 0, told from the file.
func separator(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "\t", `\t`, "tab":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	case "¬", "not":
		return '¬', nil
	}
	if r := []rune(s); len(r) == 1 && r[0] != '"' && r[0] != '\r' && r[0] != '\n' {
		return r[0], nil
	}
	return 0, spatlas.Errorf(spatlas.EINVALID, "separator %q: want one character such as , ; | ¬ or tab", s)
}

func fileName(o Options) string {
	if o.File != "" {
		return o.File
	}
	return "input"
}

func readCSVAssets(r io.Reader, o Options) (*spatlas.Import, error) {
	m := o.Mapping
	if o.Category != "" {
		m.CategoryFixed = o.Category
	}
	return tabular.ReadAssets(o.Dataset, o.File, r, m, o.Postcodes)
}

// geoOptions reads the mapping as names of properties: what it names must be a property of some
// feature, and what it leaves out is found among the presets.
func geoOptions(o Options) geoassets.Options {
	m := o.Mapping
	g := geoassets.Options{Dataset: o.Dataset, File: o.File, Category: o.Category, Postcodes: o.Postcodes, Exclude: m.Exclude}
	if g.Category == "" {
		g.Category = m.CategoryFixed
	}
	one := func(l *[]string, name string) {
		if name = strings.TrimSpace(name); name != "" {
			*l = []string{name}
			g.Mapped = append(g.Mapped, name)
		}
	}
	one(&g.NameProps, m.Name)
	one(&g.IDProps, m.ID)
	one(&g.PostcodeProps, m.Postcode)
	one(&g.URLProps, m.URL)
	one(&g.Coords.Lon, m.Lon)
	one(&g.Coords.Lat, m.Lat)
	one(&g.Coords.Easting, m.Easting)
	one(&g.Coords.Northing, m.Northing)
	for _, l := range append(tabular.Columns{m.Category}, m.Labels...) {
		if l = strings.TrimSpace(l); l != "" {
			g.LabelProps = append(g.LabelProps, l)
			g.Mapped = append(g.Mapped, l)
		}
	}
	for _, a := range m.Address {
		if a = strings.TrimSpace(a); a != "" {
			g.AddressJoin = append(g.AddressJoin, a)
			g.Mapped = append(g.Mapped, a)
		}
	}
	return g
}

func readGeoJSON(r io.Reader, o Options) (*spatlas.Import, error) {
	return geoassets.ReadGeoJSON(r, geoOptions(o))
}

func readOSM(r io.Reader, o Options) (*spatlas.Import, error) {
	return geoassets.ReadOSMGeoJSON(r, geoOptions(o))
}

func readOverpass(r io.Reader, o Options) (*spatlas.Import, error) {
	return geoassets.ReadOverpass(r, geoOptions(o))
}

func readORUK(r io.Reader, o Options) (*spatlas.Import, error) {
	return oruk.Read(r, oruk.Options{Dataset: o.Dataset, File: o.File, Postcodes: o.Postcodes})
}

func readServicesCSV(r io.Reader, o Options) (*spatlas.Import, error) {
	return linkworkers.ReadServicesWith(o.Dataset, o.File, r, o.Mapping.Layout, o.Postcodes)
}

func readServicesGeoJSON(r io.Reader, o Options) (*spatlas.Import, error) {
	return linkworkers.ReadServicesGeoJSON(o.Dataset, o.File, r, o.Postcodes)
}
