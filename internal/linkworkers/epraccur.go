package linkworkers

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// DatasetODSPattern matches the dataset folders of the NHS ODS epraccur file
// (gp-practices-epraccur-2025-09); LoadNational reads the newest.
const DatasetODSPattern = "gp-practices-epraccur-*"

// The fields of an epraccur record (the ODS file has no header row): organisation code, name,
// postcode, status code (A active, C closed, D dormant, P proposed) and prescribing setting (4 is
// a GP practice).
const (
	epraccurCode     = 0
	epraccurName     = 1
	epraccurPostcode = 9
	epraccurStatus   = 12
	epraccurSetting  = 25
	epraccurFields   = 10 // the fewest fields a record may have: up to the postcode
)

// ODSPractice is one organisation of the ODS epraccur file.
type ODSPractice struct {
	Code     string
	Name     string
	Postcode string
	Status   string // A, C, D or P ("" when the record is short)
	Setting  string // the prescribing setting: "4" for a GP practice
	Line     int
}

// ReadEpraccur reads NHS England's ODS epraccur file (GP practices and other prescribing cost
// centres, the national GP practice file) into its organisations by code. The file has no header
// row and 27 quoted fields; a first line that is a header (its postcode field is not a postcode)
// is skipped. A record with fewer than 10 fields, an empty code or a code listed twice is an error
// naming the file and line.
func ReadEpraccur(name string, r io.Reader) (map[string]ODSPractice, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	out := make(map[string]ODSPractice)
	first := map[string]int{}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: %v", name, pe.StartLine, pe.Err)
			}
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < epraccurFields {
			return nil, spatlas.Errorf(spatlas.EINVALID,
				"%s:%d: the record has %d fields, want the 27 of ODS epraccur (code, name, ..., postcode in the 10th)", name, line, len(rec))
		}
		get := func(i int) string {
			if i >= len(rec) {
				return ""
			}
			return strings.Clone(strings.TrimSpace(rec[i]))
		}
		if n == 0 && !looksLikePostcode(get(epraccurPostcode)) {
			continue // a header row
		}
		p := ODSPractice{Code: strings.ToUpper(get(epraccurCode)), Name: get(epraccurName), Postcode: get(epraccurPostcode),
			Status: get(epraccurStatus), Setting: get(epraccurSetting), Line: line}
		if p.Code == "" {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: the organisation code is empty", name, line)
		}
		if l, dup := first[p.Code]; dup {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: organisation %s is listed twice (first on line %d)", name, line, p.Code, l)
		}
		first[p.Code] = line
		out[p.Code] = p
	}
	if len(out) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: no organisations in the file", name)
	}
	return out, nil
}

// looksLikePostcode reports whether s is 5 to 7 letters and digits, spaces aside, starting with
// a letter and ending with two.
func looksLikePostcode(s string) bool {
	k := postcodeKey(s)
	if len(k) < 5 || len(k) > 7 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	isLetter := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	return isLetter(k[0]) && isLetter(k[len(k)-1]) && isLetter(k[len(k)-2])
}
