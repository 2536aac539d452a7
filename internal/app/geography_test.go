package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

func TestMSOAName(t *testing.T) {
	tests := []struct {
		name, lsoa, want string
	}{
		{"letter after three digits", "Hartlepool 009A", "Hartlepool 009"},
		{"name with spaces and commas", "Bristol, City of 012E", "Bristol, City of 012"},
		{"no letter", "Hartlepool 009", ""},
		{"lower-case letter", "Hartlepool 009a", ""},
		{"two digits", "Hartlepool 09A", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := msoaName(tt.lsoa); got != tt.want {
				t.Errorf("msoaName(%q) = %q, want %q", tt.lsoa, got, tt.want)
			}
		})
	}
}

// TestReadGeography reads the MSOA and region lookups of a small iod2019 data directory
// (testdata/geography): the output area lookup repeats LSOAs, and la_all_codes lacks E06000002,
// whose LSOAs take the region of the output area lookup.
func TestReadGeography(t *testing.T) {
	ed, err := spatlas.EditionByID("iod2019")
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(filepath.Join("testdata", "geography"), ed)
	if err != nil {
		t.Fatal(err)
	}
	recs := []spatlas.LSOADeprivation{
		{Code: "E01000001", LADCode: "E06000001"},
		{Code: "E01000002", LADCode: "E06000002"},
		{Code: "E01000003", LADCode: "E06000099"}, // in neither lookup
	}
	var d spatlas.EditionData
	d.LSOAs = recs
	if err := p.readGeography(&d, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]spatlas.Parent{
		"E01000001": {{Code: "E02000001", Name: "Fixture 001"}, {Code: "E12000001", Name: "North East"}},
		"E01000002": {{Code: "E02000001", Name: "Fixture 001"}, {Code: "E12000002", Name: "North West"}},
	}
	for code, w := range want {
		if d.MSOA[code] != w[0] || d.Region[code] != w[1] {
			t.Errorf("%s: MSOA %+v, region %+v; want %+v, %+v", code, d.MSOA[code], d.Region[code], w[0], w[1])
		}
	}
	if _, ok := d.Region["E01000003"]; ok {
		t.Errorf("E01000003 placed in region %+v; its LAD is in no lookup", d.Region["E01000003"])
	}
	var files []string
	for _, s := range p.Sources {
		files = append(files, s.Dataset+"/"+s.File)
	}
	for _, f := range []string{"geography-lookups/la_all_codes.csv", "oa11-lsoa11-msoa11-lad17-lookup-gb/lookup.csv"} {
		if n := strings.Count(strings.Join(files, " "), f); n != 1 {
			t.Errorf("sources name %s %d times, want once: %v", f, n, files)
		}
	}
}

// TestReadParentsConflict checks that a lookup placing one LSOA in two areas is an error naming
// the file and the line.
func TestReadParentsConflict(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lookup.csv")
	csv := "LSOA11CD,MSOA11CD,MSOA11NM\nE01000001,E02000001,A 001\nE01000001,E02000001,A 001\nE01000001,E02000002,A 002\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Plan{DataDir: dir, Sources: []spatlas.SourceFile{{File: "lookup.csv"}}}
	_, err := p.readParents(path, &lookup{code: "LSOA11CD", areaCode: "MSOA11CD", areaName: "MSOA11NM"})
	if err == nil || !strings.Contains(err.Error(), "lookup.csv:4") || !strings.Contains(err.Error(), "E02000002") {
		t.Errorf("err = %v, want one naming lookup.csv:4 and E02000002", err)
	}
}

// TestGeographyRealData checks the MSOA and region lookups of both editions on the real data:
// every LSOA is placed, in 6,791 MSOAs 2011 or 6,856 MSOAs 2021 (England), and 9 regions.
func TestGeographyRealData(t *testing.T) {
	dir := testenv.DataDir(t)
	tests := []struct {
		edition        string
		lsoas, msoas   int
		regions        int
		lsoa, msoaCode string // one LSOA and its MSOA
	}{
		{"iod2019", 32844, 6791, 9, "E01011966", "E02002488"},
		{"iod2025", 33755, 6856, 9, "E01000001", "E02000001"},
	}
	for _, tt := range tests {
		t.Run(tt.edition, func(t *testing.T) {
			ed, err := spatlas.EditionByID(tt.edition)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewPlan(dir, ed)
			if err != nil {
				t.Fatal(err)
			}
			d, err := p.Read(context.Background(), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.LSOAs) != tt.lsoas {
				t.Fatalf("%d LSOAs, want %d", len(d.LSOAs), tt.lsoas)
			}
			msoas, regions := map[string]bool{}, map[string]bool{}
			regionOfLAD := map[string]string{}
			for _, l := range d.LSOAs {
				m, ok := d.MSOA[l.Code]
				r, ok2 := d.Region[l.Code]
				if !ok || !ok2 {
					t.Errorf("LSOA %s (%s): MSOA %+v, region %+v", l.Code, l.Name, m, r)
					continue
				}
				msoas[m.Code], regions[r.Code] = true, true
				if prev, ok := regionOfLAD[l.LADCode]; ok && prev != r.Code {
					t.Errorf("LAD %s in regions %s and %s", l.LADCode, prev, r.Code)
				}
				regionOfLAD[l.LADCode] = r.Code
			}
			if len(msoas) != tt.msoas || len(regions) != tt.regions {
				t.Errorf("%d MSOAs, %d regions; want %d, %d", len(msoas), len(regions), tt.msoas, tt.regions)
			}
			if got := d.MSOA[tt.lsoa].Code; got != tt.msoaCode {
				t.Errorf("MSOA of %s = %s, want %s", tt.lsoa, got, tt.msoaCode)
			}
		})
	}
}
