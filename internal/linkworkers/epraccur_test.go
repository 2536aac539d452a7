package linkworkers

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/testenv"
)

func TestReadEpraccur(t *testing.T) {
	ods, err := ReadEpraccur("epraccur.csv", open(t, "testdata/epraccur.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := ODSPractice{Code: "P4", Name: "MOVED FROM SCOTLAND", Postcode: "pl12aa", Status: "A", Setting: "4", Line: 3}
	if len(ods) != 4 || ods["P4"] != want || ods["X1"].Status != "C" {
		t.Errorf("got %d records, P4 %+v, X1 %+v", len(ods), ods["P4"], ods["X1"])
	}
	const header = "Organisation Code,Name,Grouping,Geography,A1,A2,A3,A4,A5,Postcode\n"
	if ods, err := ReadEpraccur("h.csv", strings.NewReader(header+"A81001,DENSHAM,Y63,QHM,,,,,,TS18 1HU\n")); err != nil || len(ods) != 1 || ods["A81001"].Postcode != "TS18 1HU" {
		t.Errorf("with a header row: %v, %v", ods, err)
	}
}

func TestReadEpraccurErrors(t *testing.T) {
	row := func(code, postcode string) string {
		return code + ",NAME,Y63,QHM,,,,,," + postcode + ",19740401,,A\n"
	}
	tests := []struct{ name, data, want string }{
		{"empty", "", "e.csv: no organisations in the file"},
		{"short", row("A1", "M1 1AE") + "A2,NAME,Y63\n", "e.csv:2: the record has 3 fields, want the 27 of ODS epraccur"},
		{"no code", row("A1", "M1 1AE") + row("", "M1 1AE"), "e.csv:2: the organisation code is empty"},
		{"twice", row("A1", "M1 1AE") + row("a1", "M1 1AE"), "e.csv:2: organisation A1 is listed twice (first on line 1)"},
		{"bad quote", row("A1", "M1 1AE") + `"A2,NAME` + "\n", "e.csv:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadEpraccur("e.csv", strings.NewReader(tt.data))
			checkError(t, err, tt.want)
		})
	}
}

func TestLooksLikePostcode(t *testing.T) {
	for s, want := range map[string]bool{"M1 1AE": true, "sw1a1aa": true, "TS18 1HU": true, "Postcode": false, "": false,
		"M1": false, "M1 1A3": false, "1M1 1AE": false, "M1-1AE": false} {
		if got := looksLikePostcode(s); got != want {
			t.Errorf("looksLikePostcode(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPlacePCNLinkWorkersODS places the practices of the test map from the ODS file first: P1 at
// its ODS postcode rather than its 2014 site, P4 at its ODS postcode rather than the refused
// 2014 site, P2 (not in the ODS file) at the map's postcode, and P3 (an ODS postcode the lookup
// lacks) nowhere; P6 (no link workers) at its 2014 site.
func TestPlacePCNLinkWorkersODS(t *testing.T) {
	wf, ps, locs := readTestWorkforce(t)
	ods, err := ReadEpraccur("ods/epraccur.csv", open(t, "testdata/epraccur.csv"))
	if err != nil {
		t.Fatal(err)
	}
	src := PracticeSources{ODS: ods, ODSFile: "ods/epraccur.csv", Locations: locs, Postcodes: testPostcodes(), MapFile: "map/map.csv"}
	im := PlacePCNLinkWorkers("pcn-workforce", wf, ps, src)
	checkBuckets(t, im)
	checkFTE(t, im)
	by := map[string]string{}
	for _, s := range im.Services {
		by[s.PracticeCode] = s.LocatedBy
	}
	want := map[string]string{"P1": "ods/epraccur.csv", "P2": "map/map.csv", "P4": "ods/epraccur.csv"}
	if len(by) != len(want) {
		t.Errorf("services located by %v, want %v", by, want)
	}
	for code, file := range want {
		if by[code] != file {
			t.Errorf("%s located by %q, want %q", code, by[code], file)
		}
	}
	for k, v := range map[string]float64{"practices_located_by_ods": 2, "practices_located_by_postcode": 1, "practices_located_by_file": 1, // P6, in no link worker PCN
		"practices_rejected": 0, "practices_unlocated": 2} {
		if im.Totals[k] != v {
			t.Errorf("Totals[%s] = %v, want %v", k, im.Totals[k], v)
		}
	}
	if ids := issueIDs(im.Unlocated); strings.Join(ids, ",") != "P3,P5,U2,U3" {
		t.Errorf("unlocated %v", ids)
	}
	for _, u := range im.Unlocated {
		if u.ID == "P3" && !strings.Contains(u.Reason, "its ODS postcode ZZ9 9ZZ is not in the postcode lookup; it has no coordinates in the practice location files") {
			t.Errorf("P3: %s", u.Reason)
		}
		if u.ID == "P5" && !strings.Contains(u.Reason, "it is not in the ODS file") {
			t.Errorf("P5: %s", u.Reason)
		}
	}
}

func TestLoadNationalODS(t *testing.T) {
	dir := writeDataDir(t)
	ods := filepath.Join(dir, "gp-practices-epraccur-2025-09", "epraccur_original_noheader.csv")
	if err := os.MkdirAll(filepath.Dir(ods), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/epraccur.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ods, b, 0o644); err != nil {
		t.Fatal(err)
	}
	im, err := LoadNational(dir, testPostcodes())
	if err != nil {
		t.Fatal(err)
	}
	checkBuckets(t, im)
	if im.Totals["ods_records"] != 4 || im.Totals["practices_located_by_ods"] != 2 {
		t.Errorf("totals %v", im.Totals)
	}
	for _, s := range im.Services {
		if s.PracticeCode == "P1" && s.LocatedBy != "gp-practices-epraccur-2025-09/epraccur_original_noheader.csv" {
			t.Errorf("P1 located by %q", s.LocatedBy)
		}
	}
}

// TestLoadNationalRealDataCodePoint places the national layer with the ODS file and Code-Point
// Open: nearly every practice is placed, and the few left are listed.
func TestLoadNationalRealDataCodePoint(t *testing.T) {
	dir := testenv.DataDir(t)
	cp, _ := filepath.Glob(filepath.Join(dir, "codepoint-open-*"))
	if len(cp) == 0 {
		t.Skip("no codepoint-open-* folder")
	}
	pc, _, err := tabular.LoadPostcodes(cp[len(cp)-1])
	if err != nil {
		t.Fatal(err)
	}
	im, err := LoadNational(dir, pc)
	if err != nil {
		t.Fatal(err)
	}
	checkBuckets(t, im)
	checkFTE(t, im)
	tot := im.Totals
	t.Logf("located %v (ods %v, 2014 files %v, map postcode %v), unlocated %v, rejected %v; FTE not placed %.4f; unlocated rows %d",
		tot["practices_located"], tot["practices_located_by_ods"], tot["practices_located_by_file"], tot["practices_located_by_postcode"],
		tot["practices_unlocated"], tot["practices_rejected"], tot["fte_unplaced"], len(im.Unlocated))
	for _, u := range im.Unlocated {
		t.Logf("unlocated: %s %s %s: %s", u.ID, u.Name, u.Postcode, u.Reason)
	}
	if tot["practices_located"] < 6150 || tot["practices_located_by_ods"] < 6000 || tot["practices_unlocated"] > 40 {
		t.Errorf("practices located %v (by ODS %v), unlocated %v", tot["practices_located"], tot["practices_located_by_ods"], tot["practices_unlocated"])
	}
	if math.Abs(tot["fte_read"]-2805.9) > 0.05 || tot["fte_unplaced"] > 0.72 {
		t.Errorf("fte_read %.4f, fte_unplaced %.4f", tot["fte_read"], tot["fte_unplaced"])
	}
	for _, s := range im.Services {
		if s.LocatedBy == "" || spatlas.CheckLonLat(s.Loc.X, s.Loc.Y) != "" {
			t.Fatalf("service %+v", s)
		}
	}
}
