package linkworkers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

// open reads a file (gzipped or not) into memory.
func open(tb testing.TB, path string) *bytes.Reader {
	tb.Helper()
	f, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.NewReader(b)
}

// checkBuckets fails unless every row read is in exactly one list.
func checkBuckets(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	if got := len(im.Services) + len(im.Rejected) + len(im.Unlocated) + len(im.Excluded); got != im.RowsRead {
		tb.Errorf("RowsRead %d, but services+rejected+unlocated+excluded = %d+%d+%d+%d = %d",
			im.RowsRead, len(im.Services), len(im.Rejected), len(im.Unlocated), len(im.Excluded), got)
	}
}

// checkFTE fails unless the FTE read is the FTE placed plus the FTE not placed, and the services
// hold the FTE placed.
func checkFTE(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	read, placed, unplaced := im.Totals["fte_read"], im.Totals["fte_placed"], im.Totals["fte_unplaced"]
	if math.Abs(read-(placed+unplaced)) > 1e-9 {
		tb.Errorf("fte_read %.12g != fte_placed %.12g + fte_unplaced %.12g", read, placed, unplaced)
	}
	var sum float64
	for _, s := range im.Services {
		sum += s.FTE
	}
	if math.Abs(sum-placed) > 1e-9 {
		tb.Errorf("services hold %.12g FTE, fte_placed is %.12g", sum, placed)
	}
}

func TestLoadNationalRealData(t *testing.T) {
	dir := testenv.DataDir(t)
	im, err := LoadNational(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkBuckets(t, im)
	checkFTE(t, im)
	tot := im.Totals
	t.Logf("rows %d, services %d, rejected %d, unlocated %d; totals %v", im.RowsRead, len(im.Services), len(im.Rejected), len(im.Unlocated), tot)
	if im.Dataset != DatasetWorkforce || im.File != "pcn_workforce_individual_level_2025-11.csv.gz" {
		t.Errorf("dataset %q file %q", im.Dataset, im.File)
	}
	if s := im.Source; s.Rows != 38696 || len(s.SHA256) != 64 || s.Bytes == 0 || s.File != im.File {
		t.Errorf("source %+v", s)
	}
	want := map[string]float64{
		"practices":                 6196,
		"workforce_rows":            38696,
		"link_worker_rows":          3253,
		"pcns_with_link_workers":    1085,
		"pcns_in_practice_map":      1298,
		"pcns_without_link_workers": 1298 - 1085,
		"pcns_not_in_practice_map":  0,
	}
	for k, v := range want {
		if tot[k] != v {
			t.Errorf("%s = %v, want %v", k, tot[k], v)
		}
	}
	if math.Abs(tot["fte_read"]-2805.9) > 0.05 {
		t.Errorf("fte_read %.4f, want 2,805.9", tot["fte_read"])
	}
	// Checked by hand: 6,082 map practices are in GPPractices.csv but only 3,051 of them have
	// coordinates there; GP.csv fills all but 12 of the rest.
	for k, v := range map[string]float64{"practices_located": 6070, "practices_unlocated": 126, "practices_rejected": 0,
		"pcns_unplaced": 1, "practices_in_link_worker_pcns": 5285} {
		if tot[k] != v {
			t.Errorf("%s = %v, want %v", k, tot[k], v)
		}
	}
	if math.Abs(tot["fte_unplaced"]-0.72) > 1e-9 || im.RowsRead != 5286 {
		t.Errorf("fte_unplaced %v, rows %d; want 0.72, 5286", tot["fte_unplaced"], im.RowsRead)
	}
	if tot["practices_located"]+tot["practices_unlocated"]+tot["practices_rejected"] != tot["practices"] {
		t.Errorf("practices located %v + unlocated %v + rejected %v != %v", tot["practices_located"],
			tot["practices_unlocated"], tot["practices_rejected"], tot["practices"])
	}
	for _, s := range im.Services {
		if s.ProviderType != spatlas.ProviderPCN || s.PCNCode == "" || s.PracticeCode == "" || s.FTE <= 0 ||
			s.Loc.SRID != spatlas.SRIDWGS84 || spatlas.CheckLonLat(s.Loc.X, s.Loc.Y) != "" || s.File != im.File {
			t.Fatalf("bad service %+v", s)
		}
	}
	for _, u := range im.Unlocated {
		if u.ID == "" || u.Reason == "" {
			t.Fatalf("unlocated row without id or reason: %+v", u)
		}
	}
}

func TestReadPracticeLocationsRealData(t *testing.T) {
	dir := filepath.Join(testenv.DataDir(t), DatasetLocations)
	for _, tc := range []struct {
		file          string
		records       int
		noCoordinates int
		code          string // a record to look at
		name          string
		postcode      string // the record's postcode, for At
	}{
		// The record with an en dash (0x96) in its name and a TAB at its end.
		{"GPPractices.csv", 8288, 4324, "K81028", "Magnolia House – Dr Furness RHS & Partners", "SL5 0QJ"},
		// The records with a TAB field before the address and a ½ (0xBD).
		{"GPPractices.csv", 8288, 4324, "F84653", "DR V N PATEL", "N4 2NU"},
		{"GPPractices.csv", 8288, 4324, "F83032", "St. Peter's Street Medical Practice", "N1 8JG"},
		// GP.csv: a right single quote (0x92) and an en dash (0x96) in names.
		{"GP.csv.gz", 9970, 2, "B86100", "St Martin’s Practice", "LS7 3JT"},
		{"GP.csv.gz", 9970, 2, "Y01756", "Dr R A Johnson, Halesowen Central Medical Practice – Tenlands Road", "B63 4JJ"},
		// GP.csv: stray quotes in Address3 and a TAB after a phone number.
		{"GP.csv.gz", 9970, 2, "M83693", "Tri-Links Medical Practice - Belgrave Surgery", "B77 2LD"},
		{"GP.csv.gz", 9970, 2, "H85002", "Dr OKONMAH & partners", "SW11 2PH"},
		{"GP.csv.gz", 9970, 2, "Y02650", "Weymouth Walk-In Centre and The Practice Surgery", "DT4 7TB"},
	} {
		t.Run(tc.file+"/"+tc.code, func(t *testing.T) {
			locs, n, err := ReadPracticeLocations(tc.file, open(t, filepath.Join(dir, tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			if n.Records != tc.records || n.NoCoordinates != tc.noCoordinates {
				t.Errorf("records %d, without coordinates %d; want %d, %d", n.Records, n.NoCoordinates, tc.records, tc.noCoordinates)
			}
			loc, ok := locs[tc.code]
			if !ok {
				t.Fatalf("%s not found", tc.code)
			}
			if site := loc.At(tc.postcode); site.Name != tc.name || site.Postcode != tc.postcode {
				t.Errorf("name %q postcode %q, want %q %q", site.Name, site.Postcode, tc.name, tc.postcode)
			}
			if why := spatlas.CheckLonLat(loc.Lon, loc.Lat); why != "" {
				t.Errorf("%s: %s", tc.code, why)
			}
		})
	}
}

const workforceHead = "Data_source,CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,PCN_NAME,STAFF_GROUP,STAFF_ROLE,DETAILED_STAFF_ROLE,FTE,UNIQUE_IDENTIFIER\n"

// workforce is a small workforce file: U1 has one link worker with two rows and a mental health
// practitioner (1.8 FTE, two people), U2 one link worker, U3 one that is in no practice's PCN,
// and U4 only a nurse.
const workforce = workforceHead +
	"NWRS Staff,2025,11,U1,ONE PCN,Other Direct Patient Care staff,Social Prescribing Link Workers,Social Prescribing Link Worker,0.5,101\n" +
	"NWRS contracted services,2025,11,U1,ONE PCN,Other Direct Patient Care staff, social prescribing link workers ,Social Prescribing Link Worker,0.3,101\n" +
	"NWRS Staff,2025,11,U1,ONE PCN,Other Direct Patient Care staff,Social Prescribing Link Workers (Mental Health Practitioners),Adult,1.0,102\n" +
	"NWRS Staff,2025,11,U1,ONE PCN,Other Nurses,Nurse Specialists,Nurse Specialist,not read,103\n" +
	"NWRS Staff,2025,11,U2,TWO PCN,Other Direct Patient Care staff,Social Prescribing Link Workers,Social Prescribing Link Worker,1,201\n" +
	"NWRS Staff,2025,11,U3,THREE PCN,Other Direct Patient Care staff,Social Prescribing Link Workers,Social Prescribing Link Worker,0.4,301\n" +
	"NWRS Staff,2025,11,U4,FOUR PCN,Other Nurses,Nurse Specialists,Nurse Specialist,1,401\n"

const practiceMap = "PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME\n" +
	"P1,LOCATED BY FILE,LS1 1AA,U1,ONE PCN\n" +
	"P2,LOCATED BY POSTCODE,LS2 2BB,U1,ONE PCN\n" +
	"P3,NOWHERE,ZZ1 1ZZ,U1,ONE PCN\n" +
	"P4,IN SCOTLAND,EH1 1AA,U1,ONE PCN\n" +
	"P5,ALSO NOWHERE,ZZ2 2ZZ,U2,TWO PCN\n" +
	"P6,NO LINK WORKERS,LS6 6FF,U4,FOUR PCN\n"

// postcodes is a postcode lookup held in memory.
type postcodes map[string][2]float64

func (p postcodes) Lookup(pc string) (lon, lat float64, ok bool) {
	v, ok := p[postcodeKey(pc)]
	return v[0], v[1], ok
}

func testPostcodes() postcodes {
	return postcodes{"LS22BB": {-1.55, 53.80}, "CV15RR": {-1.51, 52.41}, "HU12AA": {-0.34, 53.74}, "LS11UR": {-1.55, 53.80}, "PL12AA": {-4.14, 50.37}}
}

func readTestWorkforce(tb testing.TB) (map[string]PCNWorkforce, []Practice, map[string]PracticeLocation) {
	tb.Helper()
	wf, n, err := ReadWorkforce("wf.csv", strings.NewReader(workforce))
	if err != nil {
		tb.Fatal(err)
	}
	if n != 7 {
		tb.Errorf("rows read %d, want 7", n)
	}
	ps, err := ReadPracticeMap("map.csv", strings.NewReader(practiceMap))
	if err != nil {
		tb.Fatal(err)
	}
	locs := map[string]PracticeLocation{
		"P1": {Code: "P1", Site: Site{Name: "File Site", Postcode: "LS1 1AA", Lon: -1.548, Lat: 53.796, File: "GPPractices.csv", Line: 2}},
		"P4": {Code: "P4", Site: Site{Name: "Edinburgh", Postcode: "EH1 1AA", Lon: -3.19, Lat: 55.95, File: "GPPractices.csv", Line: 3}},
		"P6": {Code: "P6", Site: Site{Name: "Six", Postcode: "LS6 6FF", Lon: -1.57, Lat: 53.82, File: "GPPractices.csv", Line: 4}},
	}
	return wf, ps, locs
}

func TestReadWorkforce(t *testing.T) {
	wf, _, _ := readTestWorkforce(t)
	want := map[string]PCNWorkforce{
		"U1": {Code: "U1", Name: "ONE PCN", FTE: 1.8, Headcount: 2, Rows: 3, Line: 2},
		"U2": {Code: "U2", Name: "TWO PCN", FTE: 1, Headcount: 1, Rows: 1, Line: 6},
		"U3": {Code: "U3", Name: "THREE PCN", FTE: 0.4, Headcount: 1, Rows: 1, Line: 7},
	}
	if len(wf) != len(want) {
		t.Errorf("got %d PCNs, want %d: %v", len(wf), len(want), wf)
	}
	for code, w := range want {
		got := wf[code]
		if math.Abs(got.FTE-w.FTE) > 1e-12 {
			t.Errorf("%s FTE %v, want %v", code, got.FTE, w.FTE)
		}
		got.FTE = w.FTE
		if got != w {
			t.Errorf("%s: got %+v, want %+v", code, got, w)
		}
	}

	for _, tc := range []struct {
		name, data, want string
	}{
		{"FTE not a number", workforceHead + "S,2025,11,U1,P,G,Social Prescribing Link Workers,D,0.5,1\nS,2025,11,U1,P,G,Social Prescribing Link Workers,D,abc,2\n",
			`wf.csv:3: column "FTE": "abc" is not a number`},
		{"FTE negative", workforceHead + "S,2025,11,U1,P,G,Social Prescribing Link Workers,D,-0.5,1\n", "wf.csv:2: FTE -0.5 is negative"},
		{"FTE empty", workforceHead + "S,2025,11,U1,P,G,Social Prescribing Link Workers,D,,1\n", "wf.csv:2: FTE is empty"},
		{"PCN code empty", workforceHead + "S,2025,11,,P,G,Social Prescribing Link Workers,D,1,1\n", "wf.csv:2: PCN_CODE is empty"},
		{"missing UNIQUE_IDENTIFIER", "PCN_CODE,PCN_NAME,STAFF_ROLE,FTE\nU1,P,Social Prescribing Link Workers,1\n", `wf.csv:1: missing column "UNIQUE_IDENTIFIER"`},
		{"ragged row", workforceHead + "S,2025,11,U1,P,G,Social Prescribing Link Workers,D,1\n", "wf.csv:2: the record has a different number of fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadWorkforce("wf.csv", strings.NewReader(tc.data))
			checkError(t, err, tc.want)
		})
	}
}

func TestPlacePCNLinkWorkers(t *testing.T) {
	wf, ps, locs := readTestWorkforce(t)
	for _, tc := range []struct {
		name      string
		pc        spatlas.Postcodes
		services  map[string]float64 // practice code -> FTE share
		rejected  []string
		unlocated []string // practice and PCN codes
		totals    map[string]float64
	}{
		{
			name:      "with a postcode lookup",
			pc:        testPostcodes(),
			services:  map[string]float64{"P1": 0.9, "P2": 0.9},
			rejected:  []string{"P4"},
			unlocated: []string{"P3", "P5", "U2", "U3"},
			totals: map[string]float64{"fte_read": 3.2, "fte_placed": 1.8, "fte_unplaced": 1.4,
				"pcns_with_link_workers": 3, "pcns_without_link_workers": 1, "pcns_not_in_practice_map": 1, "pcns_unplaced": 1,
				"pcns_in_practice_map": 3, "practices": 6, "practices_located": 3, "practices_rejected": 1, "practices_unlocated": 2,
				"practices_located_by_file": 2, "practices_located_by_postcode": 1, "practices_in_link_worker_pcns": 5,
				"link_worker_rows": 5, "link_worker_headcount": 4},
		},
		{
			name:      "without a postcode lookup",
			services:  map[string]float64{"P1": 1.8},
			rejected:  []string{"P4"},
			unlocated: []string{"P2", "P3", "P5", "U2", "U3"},
			totals: map[string]float64{"fte_read": 3.2, "fte_placed": 1.8, "fte_unplaced": 1.4,
				"practices_located": 2, "practices_unlocated": 3, "practices_located_by_postcode": 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := PlacePCNLinkWorkers("pcn-workforce", wf, ps, PracticeSources{Locations: locs, Postcodes: tc.pc})
			checkBuckets(t, im)
			checkFTE(t, im)
			if im.RowsRead != 7 {
				t.Errorf("RowsRead %d, want 7 (5 member practices, 2 PCNs not placed)", im.RowsRead)
			}
			got := make(map[string]float64)
			for _, s := range im.Services {
				got[s.PracticeCode] = s.FTE
				if s.ProviderType != spatlas.ProviderPCN || s.PCNCode != "U1" || s.PCNName != "ONE PCN" || s.SourceID != s.PracticeCode ||
					s.Caseload != nil || s.Loc.SRID != spatlas.SRIDWGS84 || s.Dataset != "pcn-workforce" {
					t.Errorf("service %+v", s)
				}
			}
			if len(got) != len(tc.services) {
				t.Errorf("services %v, want %v", got, tc.services)
			}
			for code, fte := range tc.services {
				if math.Abs(got[code]-fte) > 1e-12 {
					t.Errorf("%s FTE %v, want %v", code, got[code], fte)
				}
			}
			if ids := issueIDs(im.Rejected); !slices.Equal(ids, tc.rejected) {
				t.Errorf("rejected %v, want %v", ids, tc.rejected)
			}
			if ids := issueIDs(im.Unlocated); !slices.Equal(ids, tc.unlocated) {
				t.Errorf("unlocated %v, want %v", ids, tc.unlocated)
			}
			for k, v := range tc.totals {
				if math.Abs(im.Totals[k]-v) > 1e-9 {
					t.Errorf("Totals[%s] = %v, want %v", k, im.Totals[k], v)
				}
			}
			rows := make(map[int]bool)
			for _, r := range im.Services {
				rows[r.Row] = true
			}
			for _, l := range [][]spatlas.RowIssue{im.Rejected, im.Unlocated} {
				for _, r := range l {
					rows[r.Row] = true
				}
			}
			for r := 1; r <= im.RowsRead; r++ {
				if !rows[r] {
					t.Errorf("row %d is in no list", r)
				}
			}
		})
	}

	im := PlacePCNLinkWorkers("pcn-workforce", wf, ps, PracticeSources{Locations: locs})
	reasons := make(map[string]string)
	for _, r := range append(im.Rejected, im.Unlocated...) {
		reasons[r.ID] = r.Reason
	}
	for id, want := range map[string]string{
		"P4": "outside England and Wales (GPPractices.csv line 3)",
		"P2": "no postcode lookup is loaded",
		"U2": "none of PCN U2's 1 member practices could be located: 1 link worker FTE not placed",
		"U3": "PCN U3 is not in the practice map: 0.4 link worker FTE not placed",
	} {
		if !strings.Contains(reasons[id], want) {
			t.Errorf("%s: reason %q, want it to contain %q", id, reasons[id], want)
		}
	}
}

func issueIDs(issues []spatlas.RowIssue) []string {
	var ids []string
	for _, r := range issues {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

// writeDataDir writes a data directory with the small workforce, map and location files.
func writeDataDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	loc, err := os.ReadFile(filepath.Join("testdata", "practices-cp1252.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	for path, data := range map[string]string{
		"pcn-workforce/pcn_workforce_individual_level_2025-11.csv": workforce,
		"gp-practice-pcn-map/gp-reg-pat-prac-map_01Dec2025.csv":    practiceMap,
		"gp-practices-nhs-choices-2014/GPPractices.csv":            string(loc),
	} {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func TestLoadNational(t *testing.T) {
	dir := writeDataDir(t)
	im, err := LoadNational(dir, testPostcodes())
	if err != nil {
		t.Fatal(err)
	}
	checkBuckets(t, im)
	checkFTE(t, im)
	sum := sha256.Sum256([]byte(workforce))
	want := spatlas.SourceFile{Dataset: "pcn-workforce", File: "pcn_workforce_individual_level_2025-11.csv",
		SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(workforce)), Rows: 7}
	if im.Source != want || im.File != want.File || im.Dataset != want.Dataset {
		t.Errorf("source %+v, file %q, dataset %q; want %+v", im.Source, im.File, im.Dataset, want)
	}
	if im.Totals["workforce_rows"] != 7 || im.Totals["practice_map_rows"] != 6 ||
		im.Totals["location_records_GPPractices.csv"] != 6 || im.Totals["location_records_without_coordinates_GPPractices.csv"] != 2 {
		t.Errorf("totals %v", im.Totals)
	}
	// The practice codes of the map are not in the location fixture: only P2 is placed, by postcode.
	if len(im.Services) != 1 || im.Services[0].PracticeCode != "P2" || im.Services[0].File != want.File {
		t.Errorf("services %+v", im.Services)
	}

	t.Run("errors", func(t *testing.T) {
		noLocs := writeDataDir(t)
		if err := os.RemoveAll(filepath.Join(noLocs, DatasetLocations)); err != nil {
			t.Fatal(err)
		}
		twoMaps := writeDataDir(t)
		if err := os.WriteFile(filepath.Join(twoMaps, DatasetPCNMap, "gp-reg-pat-prac-map_01Nov2025.csv"), []byte(practiceMap), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, dir, code, want string
		}{
			{"no data", t.TempDir(), spatlas.ENOTFOUND, "no file named pcn_workforce_individual_level_*.csv"},
			{"two maps", twoMaps, spatlas.EINVALID, "2 files could be the one to read (gp-reg-pat-prac-map_01Dec2025.csv, gp-reg-pat-prac-map_01Nov2025.csv)"},
			{"no locations and no postcodes", noLocs, spatlas.ENOTFOUND, "no GPPractices.csv or GP.csv, and no postcode lookup"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := LoadNational(tc.dir, nil)
				if spatlas.ErrorCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v (code %s), want %s containing %q", err, spatlas.ErrorCode(err), tc.code, tc.want)
				}
			})
		}
	})
}

func BenchmarkLoadNational(b *testing.B) {
	dir := testenv.DataDir(b)
	for b.Loop() {
		if _, err := LoadNational(dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlacePCNLinkWorkers(b *testing.B) {
	dir := testenv.DataDir(b)
	wf, _, err := ReadWorkforce("wf", open(b, filepath.Join(dir, DatasetWorkforce, "pcn_workforce_individual_level_2025-11.csv.gz")))
	if err != nil {
		b.Fatal(err)
	}
	ps, err := ReadPracticeMap("map", open(b, filepath.Join(dir, DatasetPCNMap, "gp-reg-pat-prac-map_01Dec2025.csv.gz")))
	if err != nil {
		b.Fatal(err)
	}
	locs, _, err := ReadPracticeLocations("GPPractices.csv", open(b, filepath.Join(dir, DatasetLocations, "GPPractices.csv")))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		PlacePCNLinkWorkers("pcn-workforce", wf, ps, PracticeSources{Locations: locs})
	}
}

// TestPracticeCoverageRealData counts the map's practices in each location file: 6,082 of the
// 6,196 have a record in GPPractices.csv, but only 3,051 of those records have coordinates;
// GP.csv has coordinates for 6,066; together 6,070.
func TestPracticeCoverageRealData(t *testing.T) {
	dir := testenv.DataDir(t)
	ps, err := ReadPracticeMap("map", open(t, filepath.Join(dir, DatasetPCNMap, "gp-reg-pat-prac-map_01Dec2025.csv.gz")))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(open(t, filepath.Join(dir, DatasetLocations, "GPPractices.csv")))
	if err != nil {
		t.Fatal(err)
	}
	listed := make(map[string]bool)
	for line := range bytes.SplitSeq(raw, []byte("\r\n")) {
		if f := bytes.Split(line, []byte{0xac}); len(f) > 1 {
			listed[string(f[1])] = true
		}
	}
	read := func(file string) map[string]PracticeLocation {
		locs, _, err := ReadPracticeLocations(file, open(t, filepath.Join(dir, DatasetLocations, file)))
		if err != nil {
			t.Fatal(err)
		}
		return locs
	}
	gpp, gp := read("GPPractices.csv"), read("GP.csv.gz")
	merged := MergeLocations(gpp, gp)
	var inFile, inGPP, inGP, inMerged int
	for _, p := range ps {
		count := func(n *int, ok bool) {
			if ok {
				*n++
			}
		}
		count(&inFile, listed[p.Code])
		_, ok := gpp[p.Code]
		count(&inGPP, ok)
		_, ok = gp[p.Code]
		count(&inGP, ok)
		_, ok = merged[p.Code]
		count(&inMerged, ok)
	}
	if len(ps) != 6196 || inFile != 6082 || inGPP != 3051 || inGP != 6066 || inMerged != 6070 {
		t.Errorf("practices %d: listed in GPPractices.csv %d, with coordinates there %d, in GP.csv %d, in either %d; want 6196: 6082, 3051, 6066, 6070",
			len(ps), inFile, inGPP, inGP, inMerged)
	}
}
