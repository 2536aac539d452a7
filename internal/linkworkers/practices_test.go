package linkworkers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// readLocations reads a practice location fixture of testdata.
func readLocations(tb testing.TB, file string) (map[string]PracticeLocation, LocationsRead) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	locs, n, err := ReadPracticeLocations(file, f)
	if err != nil {
		tb.Fatal(err)
	}
	return locs, n
}

func TestDecodeCP1252(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"ascii", []byte("Dr Smith"), "Dr Smith"},
		{"euro", []byte{0x80}, "€"},
		{"right quote", []byte("Smith\x92s"), "Smith’s"},
		{"en dash", []byte("A \x96 B"), "A – B"},
		{"curly double quotes", []byte("\x93Old\x94"), "“Old”"},
		{"undefined byte", []byte{0x81}, "\uFFFD"},
		{"not sign", []byte{0xac}, "¬"},
		{"one half", []byte("16\xbd"), "16½"},
		{"e acute", []byte("caf\xe9"), "café"},
		{"y diaeresis", []byte{0x9f, 0xff}, "Ÿÿ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decodeCP1252(tc.in); got != tc.want {
				t.Errorf("decodeCP1252(% x) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestReadPracticeLocations(t *testing.T) {
	locs, n := readLocations(t, "practices-cp1252.csv")
	if n.Records != 6 || n.NoCoordinates != 2 {
		t.Errorf("records %d, without coordinates %d; want 6, 2", n.Records, n.NoCoordinates)
	}
	for _, tc := range []struct {
		name     string
		code     string
		want     string
		postcode string
		lon, lat float64
	}{
		{"en dash and curly quote", "A00001", "Riverside – Dr Smith’s Practice", "LS1 1AA", -1.548, 53.796},
		{"TAB field, exponent", "A00002", "DR A PATEL", "N4 2NU", -9.3959562480449677e-2, 51.568183898925781},
		{"stray quotes", "A00003", `The "Old" Surgery`, "B77 2LD", -1.6809084415435791, 52.617145538330078},
		{"Latin-1 one half", "A00006", "16½ Street Practice", "N1 8JG", -0.10111258178949356, 51.535026550292969},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, ok := locs[tc.code]
			if !ok {
				t.Fatalf("%s not read", tc.code)
			}
			if loc.Name != tc.want || loc.Postcode != tc.postcode || loc.Lon != tc.lon || loc.Lat != tc.lat {
				t.Errorf("got %q %q (%v, %v), want %q %q (%v, %v)", loc.Name, loc.Postcode, loc.Lon, loc.Lat,
					tc.want, tc.postcode, tc.lon, tc.lat)
			}
		})
	}
	for _, code := range []string{"A00004", "A00005"} {
		if _, ok := locs[code]; ok {
			t.Errorf("%s has no coordinates but is in the map", code)
		}
	}
}

func TestReadPracticeLocationsUTF8(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "practices-cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	utf := "\uFEFF" + decodeCP1252(raw) // as a text editor converting the file would write it
	locs, n, err := ReadPracticeLocations("practices-utf8.csv", strings.NewReader(utf))
	if err != nil {
		t.Fatal(err)
	}
	if n.Records != 6 || len(locs) != 4 {
		t.Errorf("records %d, located %d; want 6, 4", n.Records, len(locs))
	}
	if got := locs["A00001"].Name; got != "Riverside – Dr Smith’s Practice" {
		t.Errorf("name %q", got)
	}
}

func TestPracticeBranches(t *testing.T) {
	gp, n := readLocations(t, "gp-cp1252.csv")
	if n.Records != 5 || n.NoCoordinates != 1 {
		t.Errorf("records %d, without coordinates %d; want 5, 1", n.Records, n.NoCoordinates)
	}
	practices, _ := readLocations(t, "practices-cp1252.csv")
	merged := MergeLocations(practices, gp)
	for _, tc := range []struct {
		name     string
		locs     map[string]PracticeLocation
		code     string
		postcode string // the practice's current postcode
		want     string // the site chosen
	}{
		{"main site is the parent, listed second", gp, "B00001", "", "Main Street Surgery"},
		{"branch chosen by postcode", gp, "B00001", "yo12bb", "Hill Branch Surgery"},
		{"unknown postcode gives the main site", gp, "B00001", "YO9 9ZZ", "Main Street Surgery"},
		{"preferred file wins", merged, "A00001", "LS1 1AA", "Riverside – Dr Smith’s Practice"},
		{"preferred file wins when no postcode matches", merged, "A00001", "LS7 7XX", "Riverside – Dr Smith’s Practice"},
		{"fallback site with the current postcode", merged, "A00001", "LS9 9ZZ", "Riverside New Site"},
		{"gap filled from the fallback", merged, "A00004", "LS4 4DD", "No Place Surgery"},
		{"only in the fallback", merged, "B00001", "", "Main Street Surgery"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, ok := tc.locs[tc.code]
			if !ok {
				t.Fatalf("%s not found", tc.code)
			}
			if got := loc.At(tc.postcode).Name; got != tc.want {
				t.Errorf("At(%q) = %q, want %q", tc.postcode, got, tc.want)
			}
		})
	}
	if _, ok := merged["C00001"]; ok {
		t.Error("C00001 has no coordinates in either file but was merged")
	}
	if len(practices["A00001"].Branches) != 0 {
		t.Error("MergeLocations changed its preferred map")
	}
}

func TestReadPracticeLocationsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		data string // used when file is ""
		want string
	}{
		{"wrong number of fields", "practices-cp1252-ragged.csv", "",
			"practices-cp1252-ragged.csv:4: the record has 14 fields where the header has 15"},
		{"comma separated", "", "OrganisationCode,Latitude\r\nA1,52\r\n", "x.csv:1: the header has no field separator ¬"},
		{"missing field", "", "OrganisationCode\xacOrganisationName\xacPostcode\xacLatitude\r\n", `x.csv:1: missing field "Longitude"`},
		{"latitude not a number", "", "OrganisationCode\xacOrganisationName\xacPostcode\xacLatitude\xacLongitude\r\n" +
			"A1\xacX\xacLS1 1AA\xac52\xac-1\r\nA2\xacY\xacLS1 1AA\xacnorth\xac-1\r\n", `x.csv:3: Latitude "north" is not a number`},
		{"empty", "", "", "x.csv: the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.file != "" {
				f, ferr := os.Open(filepath.Join("testdata", tc.file))
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer f.Close()
				_, _, err = ReadPracticeLocations(tc.file, f)
			} else {
				_, _, err = ReadPracticeLocations("x.csv", strings.NewReader(tc.data))
			}
			checkError(t, err, tc.want)
		})
	}
}

// checkError fails unless err is an EINVALID *spatlas.Error whose message contains want.
func checkError(tb testing.TB, err error, want string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want %q", want)
	}
	if spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), want) {
		tb.Errorf("error %q (code %s), want EINVALID containing %q", err, spatlas.ErrorCode(err), want)
	}
}

func TestReadPracticeMap(t *testing.T) {
	const head = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME\n"
	ps, err := ReadPracticeMap("map.csv", strings.NewReader(head+
		"GP_PRAC_PAT_LIST,01Dec2025,C82620,DR S SHAFI,LE3 0AA,U36231,ORION PCN,E38000097,04C,\"NHS Leicester, Leicestershire and Rutland ICB - 04C\",E54000015,QK1,\"NHS Leicester, Leicestershire and Rutland Integrated Care Board\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Practice{Code: "C82620", Name: "DR S SHAFI", Postcode: "LE3 0AA", PCNCode: "U36231", PCNName: "ORION PCN",
		SubICBCode: "04C", SubICBONSCode: "E38000097", SubICBName: "NHS Leicester, Leicestershire and Rutland ICB - 04C",
		ICBCode: "QK1", ICBONSCode: "E54000015", ICBName: "NHS Leicester, Leicestershire and Rutland Integrated Care Board", Line: 2}
	if len(ps) != 1 || ps[0] != want {
		t.Errorf("got %+v\nwant %+v", ps, want)
	}

	for _, tc := range []struct {
		name, data, want string
	}{
		{"missing PCN column", "PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_NAME\nA1,X,LS1 1AA,P\n", `map.csv:1: missing column "PCN_CODE"`},
		{"duplicate practice", head + "G,D,A1,X,LS1 1AA,U1,P,,,,,,\nG,D,A2,Y,LS1 1AA,U1,P,,,,,,\nG,D,a1,Z,LS1 1AA,U1,P,,,,,,\n",
			"map.csv:4: practice A1 is listed twice (first on line 2)"},
		{"empty code", head + "G,D,,X,LS1 1AA,U1,P,,,,,,\n", "map.csv:2: PRACTICE_CODE is empty"},
		{"no practices", head, "map.csv: no practices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPracticeMap("map.csv", strings.NewReader(tc.data))
			checkError(t, err, tc.want)
		})
	}
}
