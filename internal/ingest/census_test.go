package ingest

import (
	"encoding/csv"
	"io"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

func TestReadCensusPopulationLayouts(t *testing.T) {
	tests := []struct {
		file string
		want map[string]int64
	}{
		{"census_pop.csv", map[string]int64{"E01000001": 1473, "E01000002": 1324, "W01000001": 1669}},
		{"census_ts001.csv", map[string]int64{"E01000001": 1473, "E01000002": 1384, "W01000001": 1669}},
		{"census_custom.csv", map[string]int64{"E01000001": 1473, "E01000003": 1615}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := readCensusFixture(t, tt.file); !maps.Equal(got, tt.want) {
				t.Errorf("population = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadCensusPopulationTS001Errors(t *testing.T) {
	const head = "date,geography,geography code,Residence type: Total; measures: Value\n"
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"no count column", "date,geography,geography code,Households\n2021,x,E01000001,5\n",
			[]string{"c.csv:1: missing column", `"Residence type: Total; measures: Value" or "Observation"`, `"geography code"`}},
		{"twice", head + "2021,a,E01000001,5\n2021,b,E01000002,6\n2021,a,E01000001,5\n", []string{"c.csv:4: LSOA E01000001 appears twice, on lines 2 and 4"}},
		{"not an LSOA", head + "2021,England,E92000001,56490048\n", []string{"c.csv:2:", `column "geography code": "E92000001" is not an LSOA code`}},
		{"not a number", head + "2021,a,E01000001,x\n", []string{"c.csv:2:", `column "Residence type: Total; measures: Value"`}},
		{"empty count", head + "2021,a,E01000001,\n", []string{"c.csv:2:", "the count is empty"}},
		{"negative", head + "2021,a,E01000001,-3\n", []string{"c.csv:2:", "-3 residents is negative"}},
		{"header only", head, []string{"c.csv: no data rows after the header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCensusPopulation("c.csv", strings.NewReader(tt.text))
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
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
			rc, err := textio.Open(filepath.Join("testdata", "lookup", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			_, err = ReadCensusPopulation(tt.file, rc)
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
	t.Run("not an LSOA code", func(t *testing.T) {
		_, err := ReadCensusPopulation("c.csv", strings.NewReader("lsoa21_code,age_group,usual_residents\nE02000001,all,5\n"))
		testenv.ErrorMentions(t, err, spatlas.EINVALID, "c.csv:2:", `"E02000001" is not an LSOA code`)
	})
	t.Run("negative", func(t *testing.T) {
		_, err := ReadCensusPopulation("c.csv", strings.NewReader("lsoa21_code,age_group,usual_residents\nE01000001,all,-5\n"))
		testenv.ErrorMentions(t, err, spatlas.EINVALID, "c.csv:2:", "-5 residents is negative")
	})
}

func TestRealCensusPopulation(t *testing.T) {
	path := filepath.Join(depDataset(t, "census2021-population-lsoa21"), "census21_pop_lsoa21_age6.csv.gz")
	rc, err := textio.Open(path)
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

func readCensusFixture(tb testing.TB, name string) map[string]int64 {
	tb.Helper()
	rc, err := textio.Open(filepath.Join("testdata", "lookup", name))
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
	rc, err := textio.Open(path)
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
