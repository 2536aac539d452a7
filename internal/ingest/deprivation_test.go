package ingest

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

func TestReadDeprivationLayouts(t *testing.T) {
	ids := []string{"code", "name", "lad_code", "lad_name"}
	var all, ranksDeciles, scores []string
	for _, m := range append([]string{"imd"}, spatlas.Domains[:]...) {
		all = append(all, m+"_rank", m+"_decile", m+"_score")
		ranksDeciles = append(ranksDeciles, m+"_rank", m+"_decile")
		scores = append(scores, m+"_score")
	}
	cat := func(parts ...[]string) []string { return slices.Concat(parts...) }
	tests := []struct {
		file    string
		layout  string
		vintage int
		columns []string
		codes   []string
		lines   []int
		check   func(t *testing.T, byCode map[string]spatlas.LSOADeprivation)
	}{
		{
			file: "iod2019_file1.csv", layout: LayoutIoD2019, vintage: 2011,
			columns: cat(ids, []string{"imd_rank", "imd_decile"}),
			codes:   []string{"E01000001", "E01000002", "E01000003", "E01014485"},
			lines:   []int{2, 3, 4, 5},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01000001"]
				wantMeasure(t, "E01000001 IMD", r.IMD, 29199, 9, math.NaN())
				wantString(t, "name", r.Name, "City of London 001A")
				wantString(t, "LAD code", r.LADCode, "E09000001")
				wantString(t, "LAD name", m["E01014485"].LADName, "Bristol, City of")
				wantMeasure(t, "E01014485 IMD", m["E01014485"].IMD, 924, 1, math.NaN())
				if r.Population != nil || r.Domain[0].Rank != nil {
					t.Errorf("File 1 gave a population or a domain: %+v", r)
				}
			},
		},
		{
			file: "iod2019_file2.csv", layout: LayoutIoD2019, vintage: 2011,
			columns: cat(ids, ranksDeciles),
			codes:   []string{"E01000001", "E01000002", "E01000003", "E01014485"},
			lines:   []int{2, 3, 4, 5},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01000003"]
				wantMeasure(t, "IMD", r.IMD, 14915, 5, math.NaN())
				wantMeasure(t, "income", r.Domain[0], 18510, 6, math.NaN())
				wantMeasure(t, "education", r.Domain[2], 26386, 9, math.NaN())
				wantMeasure(t, "housing", r.Domain[5], 2157, 1, math.NaN())
				wantMeasure(t, "environment", r.Domain[6], 4092, 2, math.NaN())
				wantString(t, "LAD name", m["E01014485"].LADName, "Bristol, City of")
			},
		},
		{
			file: "iod2019_file5.csv", layout: LayoutIoD2019, vintage: 2011,
			columns: cat(ids, scores),
			codes:   []string{"E01000001", "E01000002", "E01000003", "E01014485"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01000001"]
				wantMeasure(t, "IMD", r.IMD, 0, 0, 6.208)
				wantMeasure(t, "income (not IDACI)", r.Domain[0], 0, 0, 0.007)
				wantMeasure(t, "education (not adult skills)", r.Domain[2], 0, 0, 0.024)
				wantMeasure(t, "housing (not wider barriers)", r.Domain[5], 0, 0, 29.506)
				wantMeasure(t, "environment (not outdoors)", r.Domain[6], 0, 0, 31.871)
			},
		},
		{
			file: "iod2019_file6.csv", layout: LayoutIoD2019, vintage: 2011,
			columns: cat(ids, []string{"population"}),
			codes:   []string{"E01000001", "E01000002", "E01000003", "E01014485"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				wantPopulation(t, m["E01000001"], 1296)
				wantPopulation(t, m["E01014485"], 2011)
			},
		},
		{
			file: "iod2019_file7.csv", layout: LayoutIoD2019, vintage: 2011,
			columns: cat(ids, all, []string{"population"}),
			codes:   []string{"E01000001", "E01000002", "E01000003", "E01014485"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01000002"]
				wantMeasure(t, "IMD", r.IMD, 30379, 10, 5.143)
				wantMeasure(t, "income (not IDACI or IDAOPI)", r.Domain[0], 29901, 10, 0.034)
				wantMeasure(t, "education (not the sub-domains)", r.Domain[2], 32832, 10, 0.063)
				wantMeasure(t, "housing", r.Domain[5], 11707, 4, 24.185)
				wantMeasure(t, "environment", r.Domain[6], 13070, 4, 23.080)
				wantPopulation(t, r, 1156)
			},
		},
		{
			file: "iod2019_subdomains_snake.csv", layout: LayoutSnake2019, vintage: 2011,
			columns: []string{"code", "education_rank", "education_decile", "housing_rank", "housing_decile", "environment_rank", "environment_decile"},
			codes:   []string{"E01000001", "E01000002", "E01000003"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				wantMeasure(t, "Housing_and_Access", m["E01000003"].Domain[5], 2157, 1, math.NaN())
			},
		},
		{
			file: "iod2025_file1.csv", layout: LayoutIoD2025, vintage: 2021,
			columns: cat(ids, []string{"imd_rank", "imd_decile"}),
			codes:   []string{"E01015023", "E01015024", "E01015025"},
			lines:   []int{2, 3, 4},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				wantMeasure(t, "IMD (truncated decile header)", m["E01015025"].IMD, 31505, 10, math.NaN())
				wantString(t, "LAD code (2024)", m["E01015025"].LADCode, "E06000026")
			},
		},
		{
			file: "iod2025_file7.csv", layout: LayoutIoD2025, vintage: 2021,
			columns: cat(ids, all, []string{"population"}),
			codes:   []string{"E01015023", "E01015024", "E01015025"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01015023"]
				wantMeasure(t, "IMD", r.IMD, 6128, 2, 35.142)
				wantMeasure(t, "income", r.Domain[0], 6281, 2, 0.373)
				wantMeasure(t, "housing", r.Domain[5], 20241, 6, 17.737)
				wantPopulation(t, r, 1543)
			},
		},
		{
			file: "iod2025_snake.csv", layout: LayoutSnake2025, vintage: 2021,
			columns: cat([]string{"code"}, all),
			codes:   []string{"E01015023", "E01015024", "E01015025"},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01015024"]
				wantMeasure(t, "IMD", r.IMD, 16542, 5, 17.798)
				wantMeasure(t, "health", r.Domain[3], 11636, 4, 0.342)
				wantMeasure(t, "Housing_and_Services", r.Domain[5], 7772, 3, 28.442)
				wantMeasure(t, "environment", r.Domain[6], 29673, 9, 4.845)
			},
		},
		{
			file: "iod2025_snake_gzipped.csv", layout: LayoutSnake2025, vintage: 2021,
			columns: cat([]string{"code"}, all),
			codes:   []string{"E01015023", "E01015024", "E01015025"},
		},
		{
			file: "composite_uk_imd.csv", layout: LayoutComposite, vintage: 2011,
			columns: []string{"code", "imd_score"},
			codes:   []string{"E01000003", "E01000001", "E01000002"},
			lines:   []int{4, 6, 7},
			check: func(t *testing.T, m map[string]spatlas.LSOADeprivation) {
				r := m["E01000001"]
				wantMeasure(t, "IMD", r.IMD, 0, 0, 6.208)
				if r.Domain[0].Score != nil || r.Domain[1].Score != nil {
					t.Errorf("the composite's per-cent income/employment scores were read as domain scores: %+v", r.Domain)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := readDepFixture(t, tt.file)
			if f.Layout != tt.layout || f.Vintage != tt.vintage {
				t.Errorf("layout, vintage = %q, %d; want %q, %d", f.Layout, f.Vintage, tt.layout, tt.vintage)
			}
			if !slices.Equal(f.Columns, tt.columns) {
				t.Errorf("columns = %q\nwant %q", f.Columns, tt.columns)
			}
			var codes []string
			byCode := map[string]spatlas.LSOADeprivation{}
			for _, r := range f.Records {
				codes = append(codes, r.Code)
				byCode[r.Code] = r
			}
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("codes = %q, want %q", codes, tt.codes)
			}
			if len(f.Lines) != len(f.Records) {
				t.Errorf("%d lines for %d records", len(f.Lines), len(f.Records))
			}
			if tt.lines != nil && !slices.Equal(f.Lines, tt.lines) {
				t.Errorf("lines = %v, want %v", f.Lines, tt.lines)
			}
			for _, r := range f.Records {
				for _, s := range []string{r.Code, r.Name, r.LADCode, r.LADName} {
					if strings.ContainsAny(s, "\r\n\uFEFF") {
						t.Errorf("%s: a line ending or BOM leaked into %q", r.Code, s)
					}
				}
			}
			if tt.check != nil {
				tt.check(t, byCode)
			}
		})
	}
}

func TestReadDeprivationErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"empty.csv", []string{"the file is empty"}},
		{"bom_only.csv", []string{"the file is empty"}},
		{"header_only.csv", []string{"no data rows after the header"}},
		{"no_header.csv", []string{":1: no header row", `"E01000001"`}},
		{"no_code_column.csv", []string{":1: no LSOA code column", `looked for "LSOA code (2011)"`, "lsoa21_code", `the header has "area"`}},
		{"no_measure.csv", []string{":1: no deprivation measure", `"Index of Multiple Deprivation (IMD) Rank"`, `"Total population: mid ...`, `"ltla24_code"`}},
		{"duplicate_column.csv", []string{":1: columns", "both hold imd_rank"}},
		{"rank_not_number.csv", []string{":3: column \"Index of Multiple Deprivation (IMD) Rank\"", `"n/a" is not a whole number`}},
		{"rank_bad_separators.csv", []string{":3:", `"30,37,9" is not a whole number`}},
		{"rank_zero.csv", []string{":4:", "rank 0 is out of range"}},
		{"decile_eleven.csv", []string{":3:", `column "Index of Multiple Deprivation (IMD) Decile"`, "decile 11 is outside 1..10"}},
		{"decile_zero.csv", []string{":2:", "decile 0 is outside 1..10"}},
		{"score_not_number.csv", []string{":3:", `column "IMD_score": "high" is not a number`}},
		{"score_nan.csv", []string{":2:", `"NaN" is not a number`}},
		{"population_not_number.csv", []string{":2:", `"1,2960" is not a whole number`}},
		{"population_negative.csv", []string{":2:", "population -5 is negative"}},
		{"duplicate_code.csv", []string{":5:", "LSOA E01000001 appears twice, on lines 2 and 5"}},
		{"msoa_code.csv", []string{":3:", `column "LSOA code (2011)": "E02000001" is not an LSOA code`}},
		{"empty_code.csv", []string{":3:", "the LSOA code is empty"}},
		{"ragged_row.csv", []string{":3:", "different number of fields"}},
		{"bad_quote.csv", []string{"not valid CSV"}},
		{"composite_no_england.csv", []string{"no rows for England"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "deprivation", "bad", tt.file)
			rc, err := textio.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			f, err := ReadDeprivation(tt.file, rc)
			if err == nil {
				t.Fatalf("read %d records, want an error", len(f.Records))
			}
			testenv.ErrorMentions(t, err, spatlas.EINVALID, append([]string{tt.file + ":"}, tt.want...)...)
		})
	}
}

func TestClassifyDepHeader(t *testing.T) {
	tests := []struct {
		header  string
		field   string // "" when the column is not recognised
		vintage int
	}{
		{"LSOA code (2011)", "code", 2011},
		{"LSOA code (2021)", "code", 2021},
		{"lsoa21_code", "code", 2021},
		{"lsoa11_code", "code", 2011},
		{"LSOA11CD", "code", 2011},
		{"LSOA name (2021)", "name", 2021},
		{"lsoa11_name", "name", 2011},
		{"Local Authority District code (2024)", "lad_code", 0},
		{"Local Authority District name (2019)", "lad_name", 0},
		{"ltla24_code", "lad_code", 0},
		{"Index of Multiple Deprivation (IMD) Rank", "imd_rank", 0},
		{"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)", "imd_rank", 0},
		{"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA", "imd_decile", 0},
		{"Index of Multiple Deprivation (IMD) Decile (wh", "imd_decile", 0},
		{"Index of Multiple Deprivation (IMD) Decile (", "imd_decile", 0},
		{"index of multiple deprivation (imd) score", "imd_score", 0},
		{"Income Score (rate)", "income_score", 0},
		{"Employment Score (rate)", "employment_score", 0},
		{"Education, Skills and Training Decile (where 1 is most deprived 10% of LSOAs)", "education_decile", 0},
		{"Education\n Skills and Training Rank (where 1 is most deprived)", "education_rank", 0},
		{"Health Deprivation and Disability Score", "health_score", 0},
		{"Crime Rank (where 1 is most deprived)", "crime_rank", 0},
		{"Barriers to Housing and Services Score", "housing_score", 0},
		{"Living Environment Decile (where 1 is most deprived 10% of LSOAs)", "environment_decile", 0},
		{"IMD_decile", "imd_decile", 0},
		{"Housing_and_Services_score", "housing_score", 0},
		{"Housing_and_Access_rank", "housing_rank", 0},
		{"Environment_rank", "environment_rank", 0},
		{"Total population: mid 2015 (excluding prisoners)", "population", 0},
		{"Total population: mid 2022 (excluding prisoners)", "population", 0},
		{"Income Deprivation Affecting Children Index (IDACI) Score (rate)", "", 0},
		{"Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)", "", 0},
		{"Children and Young People Sub-domain Score", "", 0},
		{"Adult Skills Sub-domain Decile (where 1 is most deprived 10% of LSOAs)", "", 0},
		{"Geographical Barriers Sub-domain Rank (where 1 is most deprived)", "", 0},
		{"Indoors Sub-domain Score", "", 0},
		{"Outdoors_decile", "", 0},
		{"Children_and_young_people_rank", "", 0},
		{"Dependent Children aged 0-15: mid 2015 (excluding prisoners)", "", 0},
		{"Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)", "", 0},
		{"RANK OF EMPLOYMENT SCORE (where 1 is most deprived)", "", 0},
		{"income_domain_numerator", "", 0},
		{"connectivity_score", "", 0},
		{"overall_local_score", "", 0},
		{"Income Rank of something", "", 0},
		{"lsoa21_name_welsh", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			col, vintage, ok := classifyDepHeader(tt.header)
			got := ""
			if ok {
				got = col.field()
			}
			if got != tt.field || vintage != tt.vintage {
				t.Errorf("classifyDepHeader(%q) = %q, %d; want %q, %d", tt.header, got, vintage, tt.field, tt.vintage)
			}
		})
	}
}

func TestMergeDeprivation(t *testing.T) {
	t.Run("IoD2019 files", func(t *testing.T) {
		var files []*DeprivationFile
		for _, name := range []string{"composite_uk_imd.csv", "iod2019_file1.csv", "iod2019_file2.csv", "iod2019_file5.csv", "iod2019_file6.csv", "iod2019_file7.csv", "iod2019_subdomains_snake.csv"} {
			files = append(files, readDepFixture(t, name))
		}
		got, err := MergeDeprivation(2011, files...)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, r := range got {
			codes = append(codes, r.Code)
		}
		if want := []string{"E01000001", "E01000002", "E01000003", "E01014485"}; !slices.Equal(codes, want) {
			t.Fatalf("codes = %q, want %q (sorted)", codes, want)
		}
		r := got[0]
		wantString(t, "name (from File 1, not in the composite)", r.Name, "City of London 001A")
		wantMeasure(t, "IMD", r.IMD, 29199, 9, 6.208)
		wantMeasure(t, "income", r.Domain[0], 32831, 10, 0.007)
		wantMeasure(t, "environment", r.Domain[6], 7789, 3, 31.871)
		wantPopulation(t, r, 1296)
		wantMeasure(t, "Bristol IMD (no composite row)", got[3].IMD, 924, 1, 52.103)
		// The merged records must not alias each other's values.
		if got[0].IMD.Rank == got[1].IMD.Rank {
			t.Error("two LSOAs share one rank value")
		}
	})
	t.Run("IoD2025 files", func(t *testing.T) {
		got, err := MergeDeprivation(2021,
			readDepFixture(t, "iod2025_snake.csv"), readDepFixture(t, "iod2025_file1.csv"), readDepFixture(t, "iod2025_file7.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d records, want 3", len(got))
		}
		wantString(t, "name", got[2].Name, "Plymouth 001A")
		wantMeasure(t, "IMD", got[2].IMD, 31505, 10, 4.408)
		wantPopulation(t, got[2], 1388)
	})
	t.Run("vintage taken from the files", func(t *testing.T) {
		noVintage := readDepString(t, "scores.csv", "LSOA code,IMD score\nE01015023,35.142\n")
		if noVintage.Vintage != 0 || noVintage.Layout != LayoutOfficial {
			t.Fatalf("layout, vintage = %q, %d; want %q, 0", noVintage.Layout, noVintage.Vintage, LayoutOfficial)
		}
		got, err := MergeDeprivation(0, noVintage, readDepFixture(t, "iod2025_file1.csv"))
		if err != nil {
			t.Fatal(err)
		}
		wantMeasure(t, "IMD", got[0].IMD, 6128, 2, 35.142)
	})
}

func TestMergeDeprivationErrors(t *testing.T) {
	file1 := func(t *testing.T) *DeprivationFile { return readDepFixture(t, "iod2019_file1.csv") }
	tests := []struct {
		name    string
		vintage int
		files   func(t *testing.T) []*DeprivationFile
		want    []string
	}{
		{
			name: "no files", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile { return nil },
			want:  []string{"no deprivation files"},
		},
		{
			name: "IoD2025 file for IoD2019", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{file1(t), readDepFixture(t, "iod2025_snake.csv")}
			},
			want: []string{"iod2025_snake.csv is on LSOA 2021 geography (IoD2025 snake_case layout) but this edition uses LSOA 2011", "wrong edition"},
		},
		{
			name: "IoD2019 file for IoD2025", vintage: 2021,
			files: func(t *testing.T) []*DeprivationFile { return []*DeprivationFile{file1(t)} },
			want:  []string{"iod2019_file1.csv is on LSOA 2011 geography (IoD2019 official layout) but this edition uses LSOA 2021"},
		},
		{
			name: "files of two editions", vintage: 0,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{file1(t), readDepFixture(t, "iod2025_file1.csv")}
			},
			want: []string{"iod2025_file1.csv is on LSOA 2021 geography", "but iod2019_file1.csv uses LSOA 2011"},
		},
		{
			name: "rank conflict", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{file1(t), readDepFixture(t, "iod2019_file2.csv"),
					readDepString(t, "other.csv", "LSOA code (2011),IMD_rank\nE01000003,\"14,915\"\nE01000002,30380\n")}
			},
			want: []string{"LSOA E01000002: imd_rank is 30379 in iod2019_file1.csv (line 3) but 30380 in other.csv (line 3)"},
		},
		{
			name: "decile conflict", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{file1(t), readDepString(t, "other.csv", "lsoa11_code,Crime_decile,IMD_decile\nE01000001,4,8\n")}
			},
			want: []string{"LSOA E01000001: imd_decile is 9 in iod2019_file1.csv (line 2) but 8 in other.csv (line 2)"},
		},
		{
			name: "score conflict", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{readDepFixture(t, "composite_uk_imd.csv"), readDepFixture(t, "iod2019_file5.csv"),
					readDepString(t, "other.csv", "lsoa11_code,IMD_score\nE01000001,6.2080000001\nE01000002,5.144\n")}
			},
			want: []string{"LSOA E01000002: imd_score is 5.143 in composite_uk_imd.csv (line 7) but 5.144 in other.csv (line 3)"},
		},
		{
			name: "population conflict", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{readDepFixture(t, "iod2019_file6.csv"),
					readDepString(t, "other.csv", "LSOA code (2011),Total population: mid 2015 (excluding prisoners)\nE01000001,1297\n")}
			},
			want: []string{"LSOA E01000001: population is 1296 in iod2019_file6.csv (line 2) but 1297 in other.csv (line 2)"},
		},
		{
			name: "name conflict", vintage: 2011,
			files: func(t *testing.T) []*DeprivationFile {
				return []*DeprivationFile{file1(t),
					readDepString(t, "other.csv", "LSOA code (2011),LSOA name (2011),IMD_rank\nE01000001,City of London 001Z,29199\n")}
			},
			want: []string{`LSOA E01000001: name is "City of London 001A" in iod2019_file1.csv (line 2) but "City of London 001Z" in other.csv (line 2)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergeDeprivation(tt.vintage, tt.files(t)...)
			if err == nil {
				t.Fatalf("merged %d records, want an error", len(got))
			}
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}

// Real data: SPATLAS_DATA points at a directory laid out like the shared data sets.

func TestRealIoD2019(t *testing.T) {
	dir := depDataset(t, "imd2019")
	composite := depDataset(t, "composite-uk-imd")
	var files []*DeprivationFile
	for _, p := range []string{
		filepath.Join(dir, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"),
		filepath.Join(dir, "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),
		filepath.Join(dir, "File_6_-_IoD2019_Population_Denominators.csv.gz"),
		filepath.Join(composite, "UK_IMD_E.csv.gz"),
		filepath.Join(dir, "imd2019_england_lsoa11_subdomains.csv.gz"),
	} {
		f := readDepPath(t, p)
		if len(f.Records) != 32844 || f.Vintage != 2011 {
			t.Errorf("%s: %d records on LSOA %d, want 32844 on LSOA 2011", p, len(f.Records), f.Vintage)
		}
		files = append(files, f)
	}
	got, err := MergeDeprivation(2011, files...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 32844 {
		t.Fatalf("%d merged records, want 32844", len(got))
	}
	r := got[0]
	if r.Code != "E01000001" {
		t.Fatalf("first record %s, want E01000001", r.Code)
	}
	wantMeasure(t, "E01000001 IMD", r.IMD, 29199, 9, 6.208)
	wantPopulation(t, r, 1296)
	wantString(t, "E01000001 LAD", r.LADCode, "E09000001")
	wantRanks(t, got, 32844)
	for _, r := range got {
		if r.IMD.Score == nil || r.Population == nil || r.Name == "" || slices.ContainsFunc(r.Domain[:], func(m spatlas.Measure) bool { return m.Rank == nil || m.Decile == nil }) {
			t.Fatalf("%s lacks a field after merging Files 1, 2, 6 and the composite: %+v", r.Code, r)
		}
	}
}

func TestRealIoD2025(t *testing.T) {
	dir := depDataset(t, "imd2025")
	snake := readDepPath(t, filepath.Join(dir, "imd2025_england_lsoa21.csv.gz"))
	if len(snake.Records) != 33755 || snake.Layout != LayoutSnake2025 || snake.Vintage != 2021 {
		t.Fatalf("snake file: %d records, %s, LSOA %d; want 33755, %s, 2021", len(snake.Records), snake.Layout, snake.Vintage, LayoutSnake2025)
	}
	devon := readDepPath(t, filepath.Join(dir, "devon_imd_2025_2021_LSOAs.csv"))
	if len(devon.Records) != 729 || devon.Layout != LayoutIoD2025 || !devon.Has("imd_decile") {
		t.Fatalf("Devon file: %d records, %s, columns %q; want 729, %s, with imd_decile", len(devon.Records), devon.Layout, devon.Columns, LayoutIoD2025)
	}
	got, err := MergeDeprivation(2021, snake, devon)
	if err != nil {
		t.Fatalf("the Devon extract disagrees with the national file: %v", err)
	}
	if len(got) != 33755 {
		t.Fatalf("%d merged records, want 33755", len(got))
	}
	r := got[0]
	if r.Code != "E01000001" {
		t.Fatalf("first record %s, want E01000001", r.Code)
	}
	wantMeasure(t, "E01000001 IMD", r.IMD, 26525, 8, 8.742)
	wantRanks(t, got, 33755)
	named := 0
	for _, r := range got {
		if r.Name != "" {
			named++
		}
	}
	if named != 729 {
		t.Errorf("%d records have a name, want the Devon extract's 729", named)
	}
}

func TestRealNonDeprivationFilesRejected(t *testing.T) {
	for _, p := range []string{
		filepath.Join(depDataset(t, "imd2019"), "imd2019_england_lsoa11_indicators.csv.gz"),
		filepath.Join(depDataset(t, "imd2025"), "imd2025_england_lsoa21_subdomains.csv.gz"),
		filepath.Join(depDataset(t, "geography-lookups"), "lookup_lsoa21_icb24.csv.gz"),
	} {
		t.Run(filepath.Base(p), func(t *testing.T) {
			rc, err := textio.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			_, err = ReadDeprivation(filepath.Base(p), rc)
			testenv.ErrorMentions(t, err, spatlas.EINVALID, filepath.Base(p)+":1: no deprivation measure")
		})
	}
}

func BenchmarkReadDeprivation(b *testing.B) {
	data := readAllFile(b, filepath.Join(depDataset(b, "imd2025"), "imd2025_england_lsoa21.csv.gz"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadDeprivation("imd2025_england_lsoa21.csv", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergeDeprivation(b *testing.B) {
	dir := depDataset(b, "imd2019")
	var files []*DeprivationFile
	for _, name := range []string{
		"File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
		"File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
		"File_6_-_IoD2019_Population_Denominators.csv.gz",
		"imd2019_england_lsoa11_subdomains.csv.gz",
	} {
		files = append(files, readDepPath(b, filepath.Join(dir, name)))
	}
	for b.Loop() {
		if _, err := MergeDeprivation(2011, files...); err != nil {
			b.Fatal(err)
		}
	}
}

// depDataset returns the directory of a data set under SPATLAS_DATA. It skips the test when
// SPATLAS_DATA is unset or lacks the data set, unless SPATLAS_REQUIRE_DB=1 says the data must be
// there, in which case it fails.
func depDataset(tb testing.TB, name string) string {
	tb.Helper()
	root := os.Getenv("SPATLAS_DATA")
	if root == "" {
		depSkipOrFail(tb, "SPATLAS_DATA is not set; set it to the data directory (e.g. ../shared/data) to test on real data")
	}
	dir := filepath.Join(root, name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		depSkipOrFail(tb, fmt.Sprintf("SPATLAS_DATA=%s has no %s data set", root, name))
	}
	return dir
}

func depSkipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv("SPATLAS_REQUIRE_DB") == "1" {
		tb.Fatal(msg + " (SPATLAS_REQUIRE_DB=1: real data required)")
	}
	tb.Skip(msg)
}

func readAllFile(tb testing.TB, path string) []byte {
	tb.Helper()
	rc, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func readDepPath(tb testing.TB, path string) *DeprivationFile {
	tb.Helper()
	rc, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	f, err := ReadDeprivation(filepath.Base(path), rc)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func readDepFixture(tb testing.TB, name string) *DeprivationFile {
	tb.Helper()
	f := readDepPath(tb, filepath.Join("testdata", "deprivation", name))
	return f
}

func readDepString(tb testing.TB, name, text string) *DeprivationFile {
	tb.Helper()
	f, err := ReadDeprivation(name, strings.NewReader(text))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// wantMeasure checks a measure; a zero rank or decile and a NaN score mean "must be missing".
func wantMeasure(tb testing.TB, what string, m spatlas.Measure, rank int32, decile int16, score float64) {
	tb.Helper()
	switch {
	case rank == 0 && m.Rank != nil:
		tb.Errorf("%s: rank %d, want none", what, *m.Rank)
	case rank != 0 && (m.Rank == nil || *m.Rank != rank):
		tb.Errorf("%s: rank %v, want %d", what, ptrText(m.Rank), rank)
	}
	switch {
	case decile == 0 && m.Decile != nil:
		tb.Errorf("%s: decile %d, want none", what, *m.Decile)
	case decile != 0 && (m.Decile == nil || *m.Decile != decile):
		tb.Errorf("%s: decile %v, want %d", what, ptrText(m.Decile), decile)
	}
	switch {
	case math.IsNaN(score) && m.Score != nil:
		tb.Errorf("%s: score %v, want none", what, *m.Score)
	case !math.IsNaN(score) && (m.Score == nil || math.Abs(*m.Score-score) > 1e-9):
		tb.Errorf("%s: score %v, want %v", what, ptrText(m.Score), score)
	}
}

func wantPopulation(tb testing.TB, r spatlas.LSOADeprivation, want int64) {
	tb.Helper()
	if r.Population == nil || *r.Population != want {
		tb.Errorf("%s: population %v, want %d", r.Code, ptrText(r.Population), want)
	}
}

func wantString(tb testing.TB, what, got, want string) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s = %q, want %q", what, got, want)
	}
}

// wantRanks checks that the IMD ranks and every domain's ranks lie in 1..n with few ties (the
// official files give equal scores equal ranks), and that each decile agrees with its rank.
func wantRanks(tb testing.TB, recs []spatlas.LSOADeprivation, n int) {
	tb.Helper()
	for m := range 8 {
		seen := make([]bool, n+1)
		distinct := 0
		for _, r := range recs {
			ms := r.IMD
			if m > 0 {
				ms = r.Domain[m-1]
			}
			if ms.Rank == nil {
				continue
			}
			k := int(*ms.Rank)
			if k < 1 || k > n {
				tb.Fatalf("measure %d: %s has rank %d, out of 1..%d", m, r.Code, k, n)
			}
			if !seen[k] {
				distinct++
			}
			seen[k] = true
			if ms.Decile == nil {
				tb.Fatalf("measure %d: %s has a rank but no decile", m, r.Code)
			}
			// Decile d holds ranks from about (d-1)N/10 to dN/10.
			if d := int(*ms.Decile); d < 1 || d > 10 || (k-1)*10/n+1 != d && (k-2)*10/n+1 != d && k*10/n+1 != d {
				tb.Fatalf("measure %d: %s has rank %d but decile %d", m, r.Code, k, d)
			}
		}
		if distinct < n*99/100 {
			tb.Errorf("measure %d: only %d distinct ranks among %d LSOAs", m, distinct, n)
		}
	}
}

func ptrText[T any](p *T) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}
