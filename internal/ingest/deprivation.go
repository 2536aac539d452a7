package ingest

import (
	"io"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Layouts of deprivation files, as DeprivationFile.Layout names them.
const (
	LayoutIoD2019   = "IoD2019 official"   // MHCLG File 1-7 naming, "LSOA code (2011)"
	LayoutIoD2025   = "IoD2025 official"   // MHCLG File 1/7 naming, "LSOA code (2021)"
	LayoutOfficial  = "official"           // MHCLG naming whose header does not say the LSOA vintage
	LayoutSnake2019 = "IoD2019 snake_case" // humaniverse/IMD tables: lsoa11_code, Housing_and_Access_rank
	LayoutSnake2025 = "IoD2025 snake_case" // humaniverse/IMD tables: lsoa21_code, Housing_and_Services_rank
	LayoutSnake     = "snake_case"         // snake_case naming whose header does not say the LSOA vintage
	LayoutComposite = "composite UK IMD"   // mySociety UK_IMD_E.csv: England's IoD2019 scores
)

// DeprivationFile is what one deprivation file says, checked: its layout, the LSOA geography it
// is on, the fields it carries and one record per LSOA.
type DeprivationFile struct {
	Name   string
	Layout string
	// Vintage is the LSOA vintage the header names: 2011, 2021, or 0 when it does not say. The
	// composite UK IMD layout is LSOA 2011 by construction.
	Vintage int
	// Columns lists the canonical fields found, in the order of spatlas.LevelProperties: code,
	// name, lad_code, lad_name, imd_rank, imd_decile, imd_score, <domain>_rank, ..., population.
	Columns []string
	Records []spatlas.LSOADeprivation
	Lines   []int // the line of the file each record was read from
}

// Has reports whether the file carries the canonical field, e.g. "imd_score" or "population".
func (f *DeprivationFile) Has(field string) bool { return slices.Contains(f.Columns, field) }

// What a deprivation column holds.
const (
	depCode = iota
	depName
	depLADCode
	depLADName
	depPopulation
	depRank
	depDecile
	depScore
)

// depColumn is a recognised column of a deprivation file. For ranks, deciles and scores, measure
// is 0 for the IMD and 1-7 for the domains in spatlas.Domains order.
type depColumn struct {
	index   int // position in the record
	what    int
	measure int
}

// field returns the canonical name of the column's field.
func (c depColumn) field() string {
	switch c.what {
	case depCode:
		return "code"
	case depName:
		return "name"
	case depLADCode:
		return "lad_code"
	case depLADName:
		return "lad_name"
	case depPopulation:
		return "population"
	}
	m := "imd"
	if c.measure > 0 {
		m = spatlas.Domains[c.measure-1]
	}
	return m + "_" + [...]string{depRank: "rank", depDecile: "decile", depScore: "score"}[c.what]
}

// order sorts columns like spatlas.LevelProperties.
func (c depColumn) order() int {
	switch c.what {
	case depCode, depName, depLADCode, depLADName:
		return c.what
	case depPopulation:
		return 1000
	}
	return 10 + 3*c.measure + (c.what - depRank)
}

// measureLabel maps the label of a rank, decile or score column, normalised by labelKey, to its
// measure: the official MHCLG wording of 2019 and 2025 and the snake_case names of the humaniverse
// tables. Labels must match whole, so that IDACI and IDAOPI (supplementary income indices) and the
// sub-domains are never taken for their parent domains.
func measureLabel(label string) (int, bool) {
	switch label {
	case "index of multiple deprivation imd", "index of multiple deprivation", "imd":
		return 0, true
	case "income":
		return 1, true
	case "employment":
		return 2, true
	case "education skills and training", "education":
		return 3, true
	case "health deprivation and disability", "health":
		return 4, true
	case "crime":
		return 5, true
	case "barriers to housing and services", "housing and services", "housing and access":
		return 6, true
	case "living environment", "environment":
		return 7, true
	}
	return 0, false
}

var (
	// "LSOA code (2011)", "lsoa21_code", "LSOA11CD", "lsoa code", after labelKey.
	lsoaCodeHeader = regexp.MustCompile(`^lsoa ?(11|21)? ?(?:code|cd)(?: (2011|2021))?$`)
	lsoaNameHeader = regexp.MustCompile(`^lsoa ?(11|21)? ?(?:name|nm)(?: (2011|2021))?$`)
	// "Local Authority District code (2019)", "ltla24_code", "LAD19CD".
	ladCodeHeader = regexp.MustCompile(`^(?:local authority district|lad ?\d{0,2}|ltla ?\d{0,2}) ?(?:code|cd)(?: \d{4})?$`)
	ladNameHeader = regexp.MustCompile(`^(?:local authority district|lad ?\d{0,2}|ltla ?\d{0,2}) ?(?:name|nm)(?: \d{4})?$`)
)

// labelKey normalises a header for matching labels: lower case, every run of characters other
// than letters and digits (spaces, underscores, brackets, commas) made one space.
func labelKey(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(h) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		} else {
			space = true
		}
	}
	return b.String()
}

// classifyDepHeader recognises one column header. The official wording is "<label> <Rank|Decile|
// Score>", optionally followed by "(rate)" or "(where 1 is most deprived ...)", which some exports
// truncate; snake_case names are "<label>_<rank|decile|score>". vintage is the LSOA vintage an
// LSOA code or name header names.
func classifyDepHeader(h string) (col depColumn, vintage int, ok bool) {
	k := labelKey(h)
	vint := func(m []string) int {
		switch {
		case m[1] == "11" || m[2] == "2011":
			return 2011
		case m[1] == "21" || m[2] == "2021":
			return 2021
		}
		return 0
	}
	if m := lsoaCodeHeader.FindStringSubmatch(k); m != nil {
		return depColumn{what: depCode}, vint(m), true
	}
	if m := lsoaNameHeader.FindStringSubmatch(k); m != nil {
		return depColumn{what: depName}, vint(m), true
	}
	if ladCodeHeader.MatchString(k) {
		return depColumn{what: depLADCode}, 0, true
	}
	if ladNameHeader.MatchString(k) {
		return depColumn{what: depLADName}, 0, true
	}
	if strings.HasPrefix(k, "total population") || k == "population" {
		return depColumn{what: depPopulation}, 0, true
	}
	words := strings.Fields(k)
	for i, w := range words {
		what := -1
		switch w {
		case "rank":
			what = depRank
		case "decile":
			what = depDecile
		case "score":
			what = depScore
		}
		if what < 0 {
			continue
		}
		rest := words[i+1:]
		if len(rest) > 0 && !(len(rest) == 1 && rest[0] == "rate") && !strings.HasPrefix("where", rest[0]) {
			return depColumn{}, 0, false // e.g. "Rank of IMD score (where ...)" of older releases
		}
		m, known := measureLabel(strings.Join(words[:i], " "))
		if !known {
			return depColumn{}, 0, false
		}
		return depColumn{what: what, measure: m}, 0, true
	}
	return depColumn{}, 0, false
}

// depLayout is how a file's header was understood.
type depLayout struct {
	name    string
	vintage int
	cols    []depColumn // recognised columns, in record order
	nation  int         // composite UK IMD: the nation column; -1 otherwise
}

// recogniseDeprivation works out the layout of a deprivation file from its header.
func recogniseDeprivation(c *textio.CSVReader) (depLayout, error) {
	if len(c.Header()) > 0 && validLSOACode(c.Header()[0]) {
		return depLayout{}, spatlas.Errorf(spatlas.EINVALID,
			"%s:1: no header row: the first line starts with the LSOA code %q; the file must start with its column names",
			c.Name(), c.Header()[0])
	}
	l := depLayout{nation: -1}
	// mySociety's composite UK IMD: its income_score and employment_score are the IoD2019 rates
	// multiplied by 100 (per cent, with float noise), so they must not be read as domain scores;
	// overall_local_score is, for England's rows, the official IMD 2019 score.
	if n, code, score := c.Column("nation"), c.Column("lsoa"), c.Column("overall_local_score"); n >= 0 && code >= 0 && score >= 0 {
		l.name, l.vintage, l.nation = LayoutComposite, 2011, n
		l.cols = []depColumn{{index: code, what: depCode}, {index: score, what: depScore, measure: 0}}
		return l, nil
	}
	seen := map[string]int{}
	codeHeader := ""
	for i, h := range c.Header() {
		col, vintage, ok := classifyDepHeader(h)
		if !ok {
			continue
		}
		col.index = i
		f := col.field()
		if j, dup := seen[f]; dup {
			return depLayout{}, spatlas.Errorf(spatlas.EINVALID, "%s:1: columns %q and %q both hold %s",
				c.Name(), c.Header()[j], h, f)
		}
		seen[f] = i
		if col.what == depCode {
			codeHeader = h
		}
		if vintage != 0 && (col.what == depCode || l.vintage == 0) {
			l.vintage = vintage
		}
		l.cols = append(l.cols, col)
	}
	if codeHeader == "" {
		return depLayout{}, spatlas.Errorf(spatlas.EINVALID,
			"%s:1: no LSOA code column (looked for \"LSOA code (2011)\", \"LSOA code (2021)\", lsoa11_code, lsoa21_code, LSOA11CD, LSOA21CD, or nation+lsoa+overall_local_score of the composite UK IMD); the header has %s",
			c.Name(), textio.QuoteList(c.Header(), 12))
	}
	if !slices.ContainsFunc(l.cols, func(c depColumn) bool { return c.what >= depPopulation }) {
		return depLayout{}, spatlas.Errorf(spatlas.EINVALID,
			"%s:1: no deprivation measure (looked for IMD and domain rank, decile and score columns such as \"Index of Multiple Deprivation (IMD) Rank\", \"Income Score (rate)\", IMD_decile, Housing_and_Services_score, and \"Total population: mid ...\"); the header has %s",
			c.Name(), textio.QuoteList(c.Header(), 12))
	}
	snake := strings.Contains(codeHeader, "_")
	switch {
	case snake && l.vintage == 2011:
		l.name = LayoutSnake2019
	case snake && l.vintage == 2021:
		l.name = LayoutSnake2025
	case snake:
		l.name = LayoutSnake
	case l.vintage == 2011:
		l.name = LayoutIoD2019
	case l.vintage == 2021:
		l.name = LayoutIoD2025
	default:
		l.name = LayoutOfficial
	}
	return l, nil
}

// validLSOACode reports whether s looks like an LSOA code of England or Wales: E01 or W01 and six
// digits.
func validLSOACode(s string) bool {
	if len(s) != 9 || (s[0] != 'E' && s[0] != 'W') || s[1] != '0' || s[2] != '1' {
		return false
	}
	for i := 3; i < 9; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// depValues holds the values of one record that its Measure pointers point into; they are
// allocated a chunk of records at a time rather than one value at a time.
type depValues struct {
	rank       [8]int32
	decile     [8]int16
	score      [8]float64
	population int64
}

// ReadDeprivation reads one deprivation file, recognising its layout by its header: the official
// IoD2019 Files 1, 2, 5, 6 and 7 and IoD2025 Files 1 and 7 (headers matched by their leading
// words, so truncated ones are read), the snake_case tables of the humaniverse IMD package, and
// the composite UK IMD (England's rows only, for the IMD 2019 score). Columns it does not know
// are ignored. Every error names the file and the line.
func ReadDeprivation(name string, r io.Reader) (*DeprivationFile, error) {
	c, err := textio.NewCSVReader(name, r)
	if err != nil {
		return nil, err
	}
	l, err := recogniseDeprivation(c)
	if err != nil {
		return nil, err
	}
	cols := slices.Clone(l.cols)
	slices.SortFunc(cols, func(a, b depColumn) int { return a.order() - b.order() })
	f := &DeprivationFile{Name: name, Layout: l.name, Vintage: l.vintage}
	for _, col := range cols {
		f.Columns = append(f.Columns, col.field())
	}
	firstLine := map[string]int{}
	ladNames := map[string]string{} // one string per LAD name, not one per record
	// Records are gathered in fixed-size chunks and joined once at the end: growing one slice of
	// these large structs record by record would copy them over and over.
	const chunkSize = 4096
	var chunks [][]spatlas.LSOADeprivation
	var values []depValues // what the records' pointers point into, allocated a chunk at a time
	n := 0
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		rec := c.Record()
		if l.nation >= 0 && strings.TrimSpace(rec[l.nation]) != "E" {
			continue
		}
		if textio.BlankRecord(rec) {
			continue
		}
		if len(values) == 0 {
			values = make([]depValues, chunkSize)
		}
		d, err := readDepRecord(c, l.cols, &values[0], ladNames)
		values = values[1:]
		if err != nil {
			return nil, err
		}
		if prev, dup := firstLine[d.Code]; dup {
			return nil, c.Errorf("LSOA %s appears twice, on lines %d and %d", d.Code, prev, c.Line())
		}
		firstLine[d.Code] = c.Line()
		if n%chunkSize == 0 {
			chunks = append(chunks, make([]spatlas.LSOADeprivation, 0, chunkSize))
		}
		chunks[len(chunks)-1] = append(chunks[len(chunks)-1], d)
		n++
		f.Lines = append(f.Lines, c.Line())
	}
	f.Records = slices.Concat(chunks...)
	if len(f.Records) == 0 {
		what := "no data rows after the header"
		if l.nation >= 0 {
			what = "no rows for England (nation E)"
		}
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s", name, what)
	}
	return f, nil
}

// readDepRecord reads and checks the recognised columns of the current record; the values its
// Measure pointers point to are stored in v.
func readDepRecord(c *textio.CSVReader, cols []depColumn, v *depValues, ladNames map[string]string) (spatlas.LSOADeprivation, error) {
	rec := c.Record()
	var d spatlas.LSOADeprivation
	for _, col := range cols {
		s := rec[col.index]
		switch col.what {
		case depCode:
			code := strings.TrimSpace(s)
			if !validLSOACode(code) {
				if code == "" {
					return d, c.Errorf("column %q: the LSOA code is empty", c.Header()[col.index])
				}
				return d, c.Errorf("column %q: %q is not an LSOA code (E01 or W01 and six digits)", c.Header()[col.index], code)
			}
			d.Code = strings.Clone(code)
		case depName:
			d.Name = strings.Clone(strings.TrimSpace(s))
		case depLADCode:
			d.LADCode = intern(ladNames, strings.TrimSpace(s))
		case depLADName:
			d.LADName = intern(ladNames, strings.TrimSpace(s))
		case depPopulation:
			n, ok, err := c.Int(col.index)
			if err != nil {
				return d, err
			}
			if ok && n < 0 {
				return d, c.Errorf("column %q: population %d is negative", c.Header()[col.index], n)
			}
			if ok {
				v.population = n
				d.Population = &v.population
			}
		case depRank:
			n, ok, err := c.Int(col.index)
			if err != nil || !ok {
				if err != nil {
					return d, err
				}
				continue
			}
			if n < 1 || n > math.MaxInt32 {
				return d, c.Errorf("column %q: rank %d is out of range (1 is the most deprived)", c.Header()[col.index], n)
			}
			v.rank[col.measure] = int32(n)
			measureOf(&d, col.measure).Rank = &v.rank[col.measure]
		case depDecile:
			n, ok, err := c.Int(col.index)
			if err != nil || !ok {
				if err != nil {
					return d, err
				}
				continue
			}
			if n < 1 || n > 10 {
				return d, c.Errorf("column %q: decile %d is outside 1..10", c.Header()[col.index], n)
			}
			v.decile[col.measure] = int16(n)
			measureOf(&d, col.measure).Decile = &v.decile[col.measure]
		case depScore:
			x, ok, err := c.Float(col.index)
			if err != nil || !ok {
				if err != nil {
					return d, err
				}
				continue
			}
			v.score[col.measure] = x
			measureOf(&d, col.measure).Score = &v.score[col.measure]
		}
	}
	return d, nil
}

// measureOf returns the IMD (0) or a domain (1-7) of d.
func measureOf(d *spatlas.LSOADeprivation, m int) *spatlas.Measure {
	if m == 0 {
		return &d.IMD
	}
	return &d.Domain[m-1]
}

// intern returns the one copy of s kept in seen.
func intern(seen map[string]string, s string) string {
	if t, ok := seen[s]; ok {
		return t
	}
	s = strings.Clone(s)
	seen[s] = s
	return s
}
