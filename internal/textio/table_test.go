package textio

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
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
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}

func TestRealLookups(t *testing.T) {
	dir := realDataset(t, "geography-lookups")
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
		testenv.ErrorMentions(t, err, spatlas.EINVALID, `lookup_lsoa21_icb24.csv.gz:1: missing column "icb23_code"`)
	})
}

func readTableFixture(tb testing.TB, name string, want ...string) *Table {
	tb.Helper()
	return readTablePath(tb, filepath.Join("testdata", name), want...)
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

// realDataset returns the directory of a data set under SPATLAS_DATA. It skips the test when
// SPATLAS_DATA is unset or lacks the data set, unless SPATLAS_REQUIRE_DB=1 says the data must be
// there, in which case it fails.
func realDataset(tb testing.TB, name string) string {
	tb.Helper()
	root := os.Getenv("SPATLAS_DATA")
	msg := ""
	dir := filepath.Join(root, name)
	if root == "" {
		msg = "SPATLAS_DATA is not set; set it to the data directory (e.g. ../shared/data) to test on real data"
	} else if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		msg = fmt.Sprintf("SPATLAS_DATA=%s has no %s data set", root, name)
	}
	switch {
	case msg == "":
		return dir
	case os.Getenv("SPATLAS_REQUIRE_DB") == "1":
		tb.Fatal(msg + " (SPATLAS_REQUIRE_DB=1: real data required)")
	default:
		tb.Skip(msg)
	}
	return dir
}
