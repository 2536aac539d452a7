package tabular

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/textio"
)

// Mapping says which columns of a CSV file hold what. An empty field is looked for among the
// common header names (see presets); header names match whatever their case and spacing.
//
// A mapping file is the JSON form, for example:
//
//	{"name": "name", "lon": "lng", "lat": "lat", "category": "type",
//	 "exclude": [{"column": "closed", "reason": "closed"}]}
type Mapping struct {
	ID       string  `json:"id,omitempty"`
	Name     string  `json:"name,omitempty"`
	Category string  `json:"category,omitempty"` // free-text categories, passed to the taxonomy as labels
	Address  Columns `json:"address,omitempty"`  // joined with ", "
	Postcode string  `json:"postcode,omitempty"`
	URL      string  `json:"url,omitempty"`
	Lon      string  `json:"lon,omitempty"`
	Lat      string  `json:"lat,omitempty"`
	Easting  string  `json:"easting,omitempty"`
	Northing string  `json:"northing,omitempty"`
	// Labels are further columns whose values are passed to the taxonomy as labels
	// (facility_type, charity_activities).
	Labels Columns `json:"labels,omitempty"`
	// CategoryFixed, a taxonomy category id, is the category of every row.
	CategoryFixed string `json:"category_fixed,omitempty"`
	// CategoryDefault, a taxonomy category id, is the category of rows with no label (the category
	// and label columns all missing); rows with labels are left to the taxonomy.
	CategoryDefault string    `json:"category_default,omitempty"`
	Exclude         []Exclude `json:"exclude,omitempty"`
	// Layout is the file's separator and whether it has a header row (then columns are named by
	// number, "1" the first).
	Layout textio.CSVOptions `json:"-"`
}

// Exclude is a rule that keeps rows out of the assets, as not current provision: a row is
// excluded when its value in Column is one of Values (compared case-insensitively), or is not one
// of Except, or, when both are empty, when the value is not missing. The row's reason is
// "Reason (value)".
type Exclude struct {
	Column string   `json:"column"`
	Values []string `json:"values,omitempty"`
	Except []string `json:"except,omitempty"`
	Reason string   `json:"reason,omitempty"` // default: the column's name
}

// Columns is a list of column names. In a mapping file it may be one string or an array.
type Columns []string

// UnmarshalJSON reads a string or an array of strings.
func (c *Columns) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*c = Columns{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a column name or an array of column names")
	}
	*c = many
	return nil
}

// ReadMapping reads a mapping file and checks it against the built-in taxonomy.
func ReadMapping(path string) (Mapping, error) {
	var m Mapping
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, spatlas.Errorf(spatlas.ENOTFOUND, "%s: no such mapping file", path)
	} else if err != nil {
		return m, spatlas.Errorf(spatlas.EINVALID, "%s: cannot read the mapping: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, spatlas.Errorf(spatlas.EINVALID, "%s: not a valid mapping: %v", path, err)
	}
	tx, err := taxonomy.Builtin()
	if err != nil {
		return m, err
	}
	if err := m.Check(tx); err != nil {
		return m, spatlas.Errorf(spatlas.EINVALID, "%s: %v", path, err)
	}
	return m, nil
}

// Check reports a mapping whose categories are not in the taxonomy, or whose exclude rules name
// no column.
func (m Mapping) Check(tx *taxonomy.Taxonomy) error {
	for _, c := range [...]struct{ field, id string }{{"category_fixed", m.CategoryFixed}, {"category_default", m.CategoryDefault}} {
		if c.id != "" && !tx.Has(c.id) {
			return spatlas.Errorf(spatlas.EINVALID, "%s %q is not a taxonomy category (%s)", c.field, c.id, categoryList(tx))
		}
	}
	for i, x := range m.Exclude {
		if strings.TrimSpace(x.Column) == "" {
			return spatlas.Errorf(spatlas.EINVALID, "exclude[%d] names no column", i)
		}
	}
	return nil
}

func categoryList(tx *taxonomy.Taxonomy) string {
	var ids []string
	for _, c := range tx.Categories() {
		ids = append(ids, c.ID)
	}
	return strings.Join(ids, ", ")
}

// columns are the indexes of a file's columns, -1 when absent.
type columns struct {
	id, name, category, postcode, url, lon, lat, easting, northing int
	address, labels                                                []int
	exclude                                                        []excludeColumn
	headers                                                        []string // for messages
}

type excludeColumn struct {
	col            int
	values, except []string
	reason         string
}

// resolve finds the columns of m in the file's header, falling back to the presets. A column the
// mapping names but the header lacks, a file with neither a name nor an id column, and a
// coordinate column without its pair are errors naming the file.
func resolve(cr *textio.CSVReader, m Mapping) (columns, error) {
	p := DefaultPresets()
	c := columns{headers: cr.Header()}
	var err error
	pick := func(mapped string, preset []string) int {
		if err != nil {
			return -1
		}
		var i int
		i, err = column(cr, mapped, preset)
		return i
	}
	c.id, c.name = pick(m.ID, p.ID), pick(m.Name, p.Name)
	c.category, c.postcode, c.url = pick(m.Category, p.Category), pick(m.Postcode, p.Postcode), pick(m.URL, p.URL)
	c.lon, c.lat = pick(m.Lon, p.Lon), pick(m.Lat, p.Lat)
	c.easting, c.northing = pick(m.Easting, p.Easting), pick(m.Northing, p.Northing)
	if err != nil {
		return c, err
	}
	if c.address, err = addressColumns(cr, m.Address, p.Address); err != nil {
		return c, err
	}
	if c.labels, err = mustColumns(cr, m.Labels); err != nil {
		return c, err
	}
	for _, x := range m.Exclude {
		idx, err := mustColumns(cr, Columns{x.Column})
		if err != nil {
			return c, err
		}
		reason := x.Reason
		if reason == "" {
			reason = strings.TrimSpace(x.Column)
		}
		c.exclude = append(c.exclude, excludeColumn{col: idx[0], values: x.Values, except: x.Except, reason: reason})
	}
	return c, c.check(cr.Name(), p)
}

// check reports a file with neither a name nor an id column, or half a coordinate pair.
func (c *columns) check(file string, p Presets) error {
	switch {
	case c.name < 0 && c.id < 0:
		return spatlas.Errorf(spatlas.EINVALID, "%s:1: no name column (looked for %s; the header has %s): name one with -columns name=COLUMN, or, when the file has no header row, pass -no-header and name columns by number (name=2)",
			file, strings.Join(p.Name, ", "), textio.QuoteList(c.headers, 12))
	case c.lon >= 0 && c.lat < 0:
		return c.unpaired(file, c.lon, "latitude")
	case c.lat >= 0 && c.lon < 0:
		return c.unpaired(file, c.lat, "longitude")
	case c.easting >= 0 && c.northing < 0:
		return c.unpaired(file, c.easting, "northing")
	case c.northing >= 0 && c.easting < 0:
		return c.unpaired(file, c.northing, "easting")
	}
	return nil
}

// unpaired is the error for a coordinate column whose pair is missing.
func (c *columns) unpaired(file string, have int, missing string) error {
	return spatlas.Errorf(spatlas.EINVALID, "%s:1: the file has a %q column but no %s column: name it in the mapping",
		file, c.headers[have], missing)
}

// column returns the index of the mapped column, which must exist, or of the first preset the
// header has, or -1.
func column(cr *textio.CSVReader, mapped string, preset []string) (int, error) {
	if strings.TrimSpace(mapped) != "" {
		idx, err := cr.Columns(mapped)
		if err != nil {
			return -1, err
		}
		return idx[0], nil
	}
	return presetColumn(cr.Header(), preset), nil
}

// mustColumns returns the indexes of the named columns, each of which must exist.
func mustColumns(cr *textio.CSVReader, names Columns) ([]int, error) {
	var want []string
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			want = append(want, n)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	return cr.Columns(want...)
}

// addressColumns returns the mapped address columns, or the first preset set of which the header
// has any column.
func addressColumns(cr *textio.CSVReader, mapped Columns, preset [][]string) ([]int, error) {
	if len(mapped) > 0 {
		return mustColumns(cr, mapped)
	}
	for _, set := range preset {
		var idx []int
		for _, name := range set {
			if i := presetColumn(cr.Header(), []string{name}); i >= 0 {
				idx = append(idx, i)
			}
		}
		if len(idx) > 0 {
			return idx, nil
		}
	}
	return nil, nil
}
