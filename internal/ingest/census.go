package ingest

import (
	"io"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// ReadCensusPopulation reads the Census 2021 usual residents of each LSOA 2021 and returns the
// total of each LSOA, England's and Wales's alike. It reads two layouts:
//
//   - the long table of census2021-population-lsoa21 (lsoa21_code, age_group, usual_residents: one
//     row per LSOA and age group), whose age groups it sums;
//   - the official ONS/Nomis table TS001 (one row per LSOA: date, geography, "geography code",
//     "Residence type: Total; measures: Value" and the like), or an ONS custom dataset with an
//     "Observation" column; the code column is "geography code" or "Lower layer Super Output Areas
//     Code", the count the first column whose name starts with "Residence type: Total" or
//     "Observation".
//
// A code that is not an LSOA code, a count that is not a whole number or is negative, and an LSOA
// (and age group) given twice are errors naming the file and the line.
func ReadCensusPopulation(name string, r io.Reader) (map[string]int64, error) {
	c, err := textio.NewCSVReader(name, r)
	if err != nil {
		return nil, err
	}
	codeCol := -1
	for _, k := range []string{"geography code", "lower layer super output areas code"} {
		if codeCol = c.Column(k); codeCol >= 0 {
			break
		}
	}
	var pop map[string]int64
	if codeCol >= 0 {
		pop, err = readCensusWide(c, codeCol)
	} else {
		pop, err = readCensusLong(c)
	}
	if err != nil {
		return nil, err
	}
	if len(pop) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: no data rows after the header", name)
	}
	return pop, nil
}

// readCensusLong reads the long layout: one row per LSOA and age group.
func readCensusLong(c *textio.CSVReader) (map[string]int64, error) {
	idx, err := c.Columns("lsoa21_code", "age_group", "usual_residents")
	if err != nil {
		return nil, err
	}
	codeCol, ageCol, countCol := idx[0], idx[1], idx[2]
	type cell struct{ code, age string }
	seen := map[cell]int{}
	names := map[string]string{} // one string per age group
	codes := map[string]string{} // one string per LSOA code
	pop := map[string]int64{}
	for {
		code, n, ok, err := censusRow(c, codeCol, countCol)
		if err != nil || !ok {
			return pop, err
		}
		k := cell{code, intern(names, strings.TrimSpace(c.Record()[ageCol]))}
		if prev, dup := seen[k]; dup {
			return nil, c.Errorf("LSOA %s, age group %q appears twice, on lines %d and %d", code, k.age, prev, c.Line())
		}
		k.code = intern(codes, code)
		seen[k] = c.Line()
		pop[k.code] += n
	}
}

// readCensusWide reads the ONS/Nomis layout: one row per LSOA, the count in the first column named
// "Residence type: Total..." or "Observation...".
func readCensusWide(c *textio.CSVReader, codeCol int) (map[string]int64, error) {
	countCol := -1
	for i, h := range c.Header() {
		if k := textio.HeaderKey(h); strings.HasPrefix(k, "residence type: total") || strings.HasPrefix(k, "observation") {
			countCol = i
			break
		}
	}
	if countCol < 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: missing column \"Residence type: Total; measures: Value\" or \"Observation\" (the header has %s)",
			c.Name(), textio.QuoteList(c.Header(), 12))
	}
	seen := map[string]int{}
	pop := map[string]int64{}
	for {
		code, n, ok, err := censusRow(c, codeCol, countCol)
		if err != nil || !ok {
			return pop, err
		}
		if prev, dup := seen[code]; dup {
			return nil, c.Errorf("LSOA %s appears twice, on lines %d and %d", code, prev, c.Line())
		}
		code = strings.Clone(code)
		seen[code] = c.Line()
		pop[code] = n
	}
}

// censusRow reads the next non-blank record and checks its LSOA code and count; ok is false at the
// end of the file.
func censusRow(c *textio.CSVReader, codeCol, countCol int) (code string, n int64, ok bool, err error) {
	for {
		more, err := c.Next()
		if err != nil || !more {
			return "", 0, false, err
		}
		if !textio.BlankRecord(c.Record()) {
			break
		}
	}
	code = strings.TrimSpace(c.Record()[codeCol])
	if !validLSOACode(code) {
		return "", 0, false, c.Errorf("column %q: %q is not an LSOA code (E01 or W01 and six digits)", c.Header()[codeCol], code)
	}
	n, ok, err = c.Int(countCol)
	if err != nil {
		return "", 0, false, err
	}
	if !ok {
		return "", 0, false, c.Errorf("column %q: the count is empty", c.Header()[countCol])
	}
	if n < 0 {
		return "", 0, false, c.Errorf("column %q: %d residents is negative", c.Header()[countCol], n)
	}
	return code, n, true, nil
}
