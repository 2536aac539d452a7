package ingest

import (
	"encoding/csv"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestReadTable(t *testing.T) {
	tests := []struct {
		name    string
		want    []string
		columns []string
		rows    [][]string
		lines   []int
	}{
		{
			name:    "wanted columns in the order asked",
			want:    []string{"icb24_code", "LSOA21_CODE"},
			columns: []string{"icb24_code", "lsoa21_code"},
			rows:    [][]string{{"E54000008", "E01012392"}, {"E54000008", "E01012393"}, {"E54000029", "E01000001"}},
			lines:   []int{2, 3, 5},
		},
		{
			name:    "all columns",
			columns: []string{"lsoa21_name", "lsoa21_code", "sicbl24_name", "sicbl24_code", "sicbl24_code_nhs", "icb24_name", "icb24_code", "icb24_code_nhs"},
			lines:   []int{2, 3, 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := readTableFixture(t, "lookup_lsoa21_icb24.csv", tt.want...)
			if !slices.Equal(tab.Columns, tt.columns) {
				t.Errorf("columns = %q, want %q", tab.Columns, tt.columns)
			}
			if tt.rows != nil && !slices.EqualFunc(tab.Rows, tt.rows, slices.Equal) {
				t.Errorf("rows = %q, want %q", tab.Rows, tt.rows)
			}
			if !slices.Equal(tab.Lines, tt.lines) {
				t.Errorf("lines = %v, want %v", tab.Lines, tt.lines)
			}
			if i := tab.Column("ICB24_code"); i < 0 || tab.Rows[0][i] != "E54000008" {
				t.Errorf("Column(ICB24_code) = %d, or its value is wrong", i)
			}
		})
	}
}

func TestReadTableErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
		cols []string
	}{
		{"missing column", "\"lsoa21_code\",\"icb24_code\"\n\"E01000001\",\"E54000029\"\n",
			[]string{`t.csv:1: missing column "ltla24_code"`, `"lsoa21_code", "icb24_code"`}, []string{"lsoa21_code", "ltla24_code"}},
		{"empty", "", []string{"t.csv: the file is empty"}, []string{"lsoa21_code"}},
		{"header only", "lsoa21_code\r\n", []string{"t.csv: no data rows"}, []string{"lsoa21_code"}},
		{"ragged", "a,b\n1,2\n3\n", []string{"t.csv:3:", "different number of fields"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable("t.csv", strings.NewReader(tt.text), tt.cols...)
			assertErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}

func TestReadCensusPopulation(t *testing.T) {
	got := readCensusFixture(t, "census_pop.csv")
	want := map[string]int64{"E01000001": 1473, "E01000002": 1324, "W01000001": 1669}
	if !maps.Equal(got, want) {
		t.Errorf("population = %v, want %v", got, want)
	}
}

func TestReadCensusPopulationErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"census_pop_not_number.csv", []string{"census_pop_not_number.csv:9:", `column "usual_residents": "many" is not a whole number`}},
		{"census_pop_duplicate.csv", []string{"census_pop_duplicate.csv:9:", `LSOA E01000001, age group "Aged 25 to 34 years" appears twice, on lines 4 and 9`}},
		{"lookup_lsoa21_icb24.csv", []string{"lookup_lsoa21_icb24.csv:1:", `missing column "age_group"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rc, err := Open(filepath.Join("testdata", "lookup", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			_, err = ReadCensusPopulation(tt.file, rc)
			assertErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
	t.Run("not an LSOA code", func(t *testing.T) {
		_, err := ReadCensusPopulation("c.csv", strings.NewReader("lsoa21_code,age_group,usual_residents\nE02000001,all,5\n"))
		assertErrorMentions(t, err, spatlas.EINVALID, "c.csv:2:", `"E02000001" is not an LSOA code`)
	})
	t.Run("negative", func(t *testing.T) {
		_, err := ReadCensusPopulation("c.csv", strings.NewReader("lsoa21_code,age_group,usual_residents\nE01000001,all,-5\n"))
		assertErrorMentions(t, err, spatlas.EINVALID, "c.csv:2:", "-5 residents is negative")
	})
}

func TestRealCensusPopulation(t *testing.T) {
	path := filepath.Join(depDataset(t, "census2021-population-lsoa21"), "census21_pop_lsoa21_age6.csv.gz")
	rc, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	pop, err := ReadCensusPopulation(filepath.Base(path), rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Sum E01000001's rows independently of the reader.
	var e01000001 int64
	rows := readCSVRows(t, path)
	for _, r := range rows[1:] {
		if r[0] == "E01000001" {
			n, err := strconv.ParseInt(r[3], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			e01000001 += n
		}
	}
	if e01000001 == 0 || pop["E01000001"] != e01000001 {
		t.Errorf("E01000001: %d residents, the file's rows sum to %d", pop["E01000001"], e01000001)
	}
	var england int64
	var nE, nW int
	for code, n := range pop {
		switch code[0] {
		case 'E':
			england += n
			nE++
		case 'W':
			nW++
		}
	}
	if england != 56489608 || nE != 33755 || nW != 1917 {
		t.Errorf("England %d residents in %d LSOAs, Wales %d LSOAs; want 56489608 in 33755, and 1917", england, nE, nW)
	}
}

func TestRealLookups(t *testing.T) {
	dir := depDataset(t, "geography-lookups")
	tests := []struct {
		file  string
		want  []string
		rows  int
		check func(t *testing.T, tab *Table)
	}{
		{"lookup_lsoa21_icb24.csv.gz", []string{"lsoa21_code", "icb24_code", "icb24_name"}, 33755, func(t *testing.T, tab *Table) {
			icbs := map[string]bool{}
			for _, r := range tab.Rows {
				icbs[r[1]] = true
			}
			if len(icbs) != 42 {
				t.Errorf("%d ICBs, want 42", len(icbs))
			}
		}},
		{"lookup_lsoa21_ward24_ltla24.csv.gz", []string{"lsoa21_code", "ltla24_code"}, 35672, nil},
		{"lookup_lsoa11_lsoa21_ltla22.csv.gz", []string{"lsoa11_code", "lsoa21_code", "change_code"}, 35795, nil},
		{"lookup_ltla24_region24.csv", []string{"ltla24_code", "region24_code"}, 296, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			tab := readTablePath(t, path, tt.want...)
			if len(tab.Rows) != tt.rows || tab.Lines[len(tab.Lines)-1] != tt.rows+1 {
				t.Errorf("%d rows, last on line %d; want %d rows, last on line %d", len(tab.Rows), tab.Lines[len(tab.Lines)-1], tt.rows, tt.rows+1)
			}
			if tt.check != nil {
				tt.check(t, tab)
			}
		})
	}
	t.Run("missing column", func(t *testing.T) {
		rc, err := Open(filepath.Join(dir, "lookup_lsoa21_icb24.csv.gz"))
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		_, err = ReadTable("lookup_lsoa21_icb24.csv.gz", rc, "lsoa21_code", "icb23_code")
		assertErrorMentions(t, err, spatlas.EINVALID, `lookup_lsoa21_icb24.csv.gz:1: missing column "icb23_code"`)
	})
}

func readTableFixture(tb testing.TB, name string, want ...string) *Table {
	tb.Helper()
	return readTablePath(tb, filepath.Join("testdata", "lookup", name), want...)
}

func readTablePath(tb testing.TB, path string, want ...string) *Table {
	tb.Helper()
	rc, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	tab, err := ReadTable(filepath.Base(path), rc, want...)
	if err != nil {
		tb.Fatal(err)
	}
	return tab
}

func readCensusFixture(tb testing.TB, name string) map[string]int64 {
	tb.Helper()
	rc, err := Open(filepath.Join("testdata", "lookup", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	pop, err := ReadCensusPopulation(name, rc)
	if err != nil {
		tb.Fatal(err)
	}
	return pop
}

// readCSVRows reads a whole (gzipped) CSV with encoding/csv alone.
func readCSVRows(tb testing.TB, path string) [][]string {
	tb.Helper()
	rc, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	rows, err := csv.NewReader(io.Reader(rc)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}
