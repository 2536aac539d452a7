package textio

import (
	"io"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Table is a CSV file cut down to the columns a caller asked for: the snake_case lookup tables
// of geography-lookups (LSOA to ward, LAD, sub-ICB, ICB, region) and the like.
type Table struct {
	Name    string
	Columns []string   // the columns asked for, normalised (trimmed, lower case), in the order asked
	Rows    [][]string // one per record; values trimmed, in Columns order; "" where the file has none
	Lines   []int      // the line of the file each row was read from
}

// Column returns the position of a column in each row, or -1.
func (t *Table) Column(name string) int { return slices.Index(t.Columns, HeaderKey(name)) }

// ReadTable reads the wanted columns of a CSV file with a header row (matched after trimming and
// case folding); with no wanted columns it reads them all. A missing column is an error naming the
// file and the column; so is a file with no data rows.
func ReadTable(name string, r io.Reader, want ...string) (*Table, error) {
	c, err := NewCSVReader(name, r)
	if err != nil {
		return nil, err
	}
	if len(want) == 0 {
		want = c.header
	}
	idx, err := c.Columns(want...)
	if err != nil {
		return nil, err
	}
	t := &Table{Name: name, Columns: make([]string, len(want))}
	for i, w := range want {
		t.Columns[i] = HeaderKey(w)
	}
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		rec := c.Record()
		if BlankRecord(rec) {
			continue
		}
		row := make([]string, len(idx))
		for i, j := range idx {
			row[i] = strings.Clone(strings.TrimSpace(rec[j]))
		}
		t.Rows = append(t.Rows, row)
		t.Lines = append(t.Lines, c.Line())
	}
	if len(t.Rows) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: no data rows after the header", name)
	}
	return t, nil
}
