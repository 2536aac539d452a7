package tabular

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

// readAssets reads a CSV file with ReadAssets through textio.Open.
func readAssets(tb testing.TB, path string, m Mapping, pc spatlas.Postcodes) (*spatlas.Import, error) {
	tb.Helper()
	rc, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	return ReadAssets(filepath.Base(filepath.Dir(path)), filepath.Base(path), rc, m, pc)
}

func mustReadAssets(tb testing.TB, path string, m Mapping, pc spatlas.Postcodes) *spatlas.Import {
	tb.Helper()
	im, err := readAssets(tb, path, m, pc)
	if err != nil {
		tb.Fatalf("ReadAssets(%s): %v", path, err)
	}
	checkAccounted(tb, im)
	return im
}

// checkAccounted fails unless every row read is in exactly one list, each once.
func checkAccounted(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	n := len(im.Assets) + len(im.Rejected) + len(im.Unlocated) + len(im.Excluded)
	if n != im.RowsRead {
		tb.Errorf("%s: %d rows read, but %d loaded + %d rejected + %d unlocated + %d excluded = %d",
			im.File, im.RowsRead, len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded), n)
	}
	rows := map[int]bool{}
	add := func(row int) {
		if rows[row] {
			tb.Errorf("%s: row %d is in two lists", im.File, row)
		}
		rows[row] = true
	}
	for _, a := range im.Assets {
		add(a.Row)
		if a.Loc.SRID != spatlas.SRIDWGS84 && a.Loc.SRID != spatlas.SRIDBNG {
			tb.Errorf("%s: row %d loaded with SRID %d", im.File, a.Row, a.Loc.SRID)
		}
	}
	for _, list := range [][]spatlas.RowIssue{im.Rejected, im.Unlocated, im.Excluded} {
		for _, r := range list {
			add(r.Row)
			if r.Reason == "" {
				tb.Errorf("%s: row %d has no reason", im.File, r.Row)
			}
		}
	}
}

// issueFor returns the list a row with the given name ended in and its reason, or "loaded".
func issueFor(im *spatlas.Import, name string) (list, reason string) {
	for _, a := range im.Assets {
		if a.Name == name {
			return "loaded", ""
		}
	}
	for _, l := range []struct {
		name   string
		issues []spatlas.RowIssue
	}{{"rejected", im.Rejected}, {"unlocated", im.Unlocated}, {"excluded", im.Excluded}} {
		for _, r := range l.issues {
			if r.Name == name {
				return l.name, r.Reason
			}
		}
	}
	return "missing", ""
}

func TestReadAssetsBroken(t *testing.T) {
	im := mustReadAssets(t, "testdata/broken.csv", Mapping{}, nil)
	tests := []struct {
		name, list, reason string
	}{
		{"Good Place", "loaded", ""},
		{"Latitude 100", "rejected", "latitude 100 is out of range"},
		{"Swapped", "rejected", "latitude and longitude look swapped"},
		{"Null Island", "rejected", "(0, 0)"},
		{"Edinburgh", "rejected", "outside England and Wales"},
		{"Paris", "rejected", "outside England and Wales"},
		{"Not a number", "rejected", `column "lat": "abc" is not a number`},
		{"Half missing", "rejected", `column "lat" is empty but "lon" is "-2.2426"`},
		{"Postcode only", "unlocated", "postcode only, no postcode lookup loaded"},
		{"Nowhere", "unlocated", "no coordinates and no postcode"},
		{"Spaced out name", "loaded", ""},
		{"Unknown postcode", "unlocated", "postcode only, no postcode lookup loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, reason := issueFor(im, tt.name)
			if list != tt.list || !strings.Contains(reason, tt.reason) {
				t.Errorf("%s, %q; want %s, %q", list, reason, tt.list, tt.reason)
			}
		})
	}
	if im.RowsRead != 14 {
		t.Errorf("RowsRead %d, want 14", im.RowsRead)
	}
	if len(im.Assets) != 3 {
		t.Fatalf("%d assets, want 3 (Good Place, Spaced out name, id 12)", len(im.Assets))
	}
	good := im.Assets[0]
	want := spatlas.Asset{Dataset: "testdata", File: "broken.csv", SourceID: "1", Row: 2, Name: "Good Place",
		Postcode: "M1 1AE", Loc: spatlas.Location{X: -2.2426, Y: 53.4808, SRID: spatlas.SRIDWGS84},
		Hints: spatlas.CategoryHints{Labels: []string{"Food bank"}, Name: "Good Place"}}
	if fmt.Sprint(good) != fmt.Sprint(want) {
		t.Errorf("first asset\n got %+v\nwant %+v", good, want)
	}
	if a := im.Assets[1]; a.Row != 13 || a.Hints.Labels != nil {
		t.Errorf("multi-line row: row %d, labels %q; want row 13 and no labels (NA)", a.Row, a.Hints.Labels)
	}
	if a := im.Assets[2]; a.SourceID != "12" || a.Name != "" {
		t.Errorf("row with an id and no name: %+v, want id 12 loaded with no name", a)
	}
	if len(im.Rejected) == 0 || im.Rejected[len(im.Rejected)-1].Reason != "no name and no id" {
		t.Errorf("the empty row: want it rejected with \"no name and no id\", rejected = %+v", im.Rejected)
	}
	if r := im.Unlocated[0]; r.Row != 10 || r.ID != "9" || r.Postcode != "M1 1AE" {
		t.Errorf("unlocated row %+v, want row 10, id 9, postcode M1 1AE", r)
	}
}

func TestReadAssetsPostcodes(t *testing.T) {
	pc := mustReadPostcodes(t, "testdata/postcodes_nspl.csv")
	im := mustReadAssets(t, "testdata/broken.csv", Mapping{}, pc)
	if list, _ := issueFor(im, "Postcode only"); list != "loaded" {
		t.Errorf("Postcode only: %s, want loaded through the lookup", list)
	}
	if list, reason := issueFor(im, "Unknown postcode"); list != "unlocated" || reason != "postcode ZZ9 9ZZ not in the postcode lookup" {
		t.Errorf("Unknown postcode: %s, %q", list, reason)
	}
	for _, a := range im.Assets {
		if a.Name == "Postcode only" && (a.Loc.X != float64(float32(-2.2426)) || a.Loc.SRID != spatlas.SRIDWGS84) {
			t.Errorf("Postcode only at %+v, want M1 1AE's -2.2426, 53.4808", a.Loc)
		}
	}
}

func TestReadAssetsEastingNorthing(t *testing.T) {
	m := Mapping{ID: "ref", Name: "site"}
	im := mustReadAssets(t, "testdata/bng.csv", m, nil)
	tests := []struct{ name, list, reason string }{
		{"Manchester", "loaded", ""},
		{"Zero", "rejected", "(0, 0)"},
		{"Off the grid", "rejected", "off the British National Grid"},
		{"Scotland", "rejected", "outside England and Wales"},
		{"Not a number", "rejected", `column "easting": "x" is not a number`},
		{"Missing", "unlocated", "no coordinates and no postcode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, reason := issueFor(im, tt.name)
			if list != tt.list || !strings.Contains(reason, tt.reason) {
				t.Errorf("%s, %q; want %s, %q", list, reason, tt.list, tt.reason)
			}
		})
	}
	if a := im.Assets[0]; a.Loc.X != 383000 || a.Loc.Y != 398000 || a.Loc.SRID != spatlas.SRIDBNG || a.SourceID != "A" {
		t.Errorf("Manchester: %+v", a)
	}
}

func TestReadAssetsExclude(t *testing.T) {
	m := Mapping{Exclude: []Exclude{{Column: "closed", Values: []string{"XL", "XLR", "XLT"}, Reason: "closed"}}}
	im := mustReadAssets(t, "testdata/closed.csv", m, nil)
	var got []string
	for _, r := range im.Excluded {
		got = append(got, r.Name+": "+r.Reason)
	}
	want := []string{"Closed Library: closed (XL)", "Replaced Library: closed (XLR)", "Temporarily Closed: closed (xlt)"}
	if !slices.Equal(got, want) {
		t.Errorf("excluded %q, want %q", got, want)
	}
	if len(im.Assets) != 2 || im.Assets[1].Name != "NA Closed" {
		t.Errorf("assets %+v, want Open Library and NA Closed (NA is missing, so not closed)", im.Assets)
	}
	m.Exclude[0].Values = nil // any value
	im = mustReadAssets(t, "testdata/closed.csv", m, nil)
	if len(im.Excluded) != 3 {
		t.Errorf("with no values, %d excluded, want 3", len(im.Excluded))
	}
}

func TestReadAssetsMappingFile(t *testing.T) {
	m, err := ReadMapping("testdata/mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	im := mustReadAssets(t, "testdata/mapped.csv", m, nil)
	if len(im.Assets) != 2 || len(im.Excluded) != 1 || im.Excluded[0].Reason != "closed (Closed)" {
		t.Fatalf("assets %+v, excluded %+v; want 2 assets and Old Park excluded as closed (Closed)", im.Assets, im.Excluded)
	}
	a := im.Assets[0]
	if a.Address != "Lime Avenue, Flixton" || a.Hints.Category != "green-space" || a.Loc.SRID != spatlas.SRIDBNG {
		t.Errorf("first asset %+v: want address \"Lime Avenue, Flixton\", category green-space, SRID 27700", a)
	}
	if a := im.Assets[1]; a.Address != "High St" {
		t.Errorf("address %q, want \"High St\" (NA left out)", a.Address)
	}
}

func TestReadMappingErrors(t *testing.T) {
	tests := []struct{ file, code, want string }{
		{"testdata/mapping_bad_category.json", spatlas.EINVALID, `category_fixed "fod" is not a taxonomy category`},
		{"testdata/mapping_unknown_field.json", spatlas.EINVALID, `unknown field "lattitude"`},
		{"testdata/no_such_mapping.json", spatlas.ENOTFOUND, "no such mapping file"},
		{"testdata/broken.csv", spatlas.EINVALID, "not a valid mapping"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			_, err := ReadMapping(tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.file) {
				t.Fatalf("error %v, want one starting with the file and containing %q", err, tt.want)
			}
			if spatlas.ErrorCode(err) != tt.code {
				t.Errorf("code %q, want %q", spatlas.ErrorCode(err), tt.code)
			}
		})
	}
}

func TestReadAssetsFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		m          Mapping
		want       string
	}{
		{"empty file", "testdata/empty.csv", Mapping{}, "empty.csv: the file is empty"},
		{"mapped column missing", "testdata/broken.csv", Mapping{Lat: "latitude_wgs84"}, `broken.csv:1: missing column "latitude_wgs84"`},
		{"mapped label column missing", "testdata/broken.csv", Mapping{Labels: Columns{"facility_type"}}, `broken.csv:1: missing column "facility_type"`},
		{"exclude column missing", "testdata/broken.csv", Mapping{Exclude: []Exclude{{Column: "closed"}}}, `broken.csv:1: missing column "closed"`},
		{"no name column", "testdata/bng.csv", Mapping{}, "bng.csv:1: no name column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAssets(t, tt.file, tt.m, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Errorf("code %q, want %q", spatlas.ErrorCode(err), spatlas.EINVALID)
			}
		})
	}
	// A header with a latitude and no longitude.
	_, err := ReadAssets("d", "half.csv", strings.NewReader("name,lat\nx,52\n"), Mapping{}, nil)
	if err == nil || err.Error() != `half.csv:1: the file has a "lat" column but no longitude column: name it in the mapping` {
		t.Errorf("half a pair: %v", err)
	}
	_, err = ReadAssets("d", "bad.csv", strings.NewReader("name,lat,lon\n\"x,52,1\n"), Mapping{}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "bad.csv:2:") {
		t.Errorf("unterminated quote: %v, want an error at bad.csv:2", err)
	}
	im, err := readAssets(t, "testdata/header_only.csv", Mapping{}, nil)
	if err != nil || im.RowsRead != 0 {
		t.Errorf("header only: %v, %+v; want no rows and no error", err, im)
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  a  b ", "a b"},
		{"a\nb", "a b"},
		{"a\tb", "a b"},
		{"Café", "Café"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := clean(tt.in); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := field([]string{" n/a "}, 0); got != "" {
		t.Errorf("field(n/a) = %q, want missing", got)
	}
}

// summary logs what an import gave, with its reasons and the categories the built-in taxonomy
// gives its assets, which it returns.
func summary(tb testing.TB, im *spatlas.Import) map[string]int {
	tb.Helper()
	tx, err := taxonomy.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	tx.Assign(im.Assets)
	cats := map[string]int{}
	for _, a := range im.Assets {
		cats[a.Category]++
	}
	tb.Logf("%s/%s: %d read, %d loaded, %d rejected, %d unlocated, %d excluded; categories %v",
		im.Dataset, im.File, im.RowsRead, len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded), cats)
	for _, l := range []struct {
		name   string
		issues []spatlas.RowIssue
	}{{"rejected", im.Rejected}, {"unlocated", im.Unlocated}, {"excluded", im.Excluded}} {
		counts := map[string]int{}
		for _, r := range l.issues {
			counts[reasonKind(r.Reason)]++
		}
		for reason, n := range counts {
			tb.Logf("  %s %d: %s", l.name, n, reason)
		}
	}
	return cats
}

// reasonKind groups the reasons that differ only by their postcode.
func reasonKind(r string) string {
	if strings.HasPrefix(r, "postcode ") && strings.HasSuffix(r, " not in the postcode lookup") {
		return "postcode ... not in the postcode lookup"
	}
	return r
}

func TestRealFiles(t *testing.T) {
	dir := testenv.DataDir(t)
	gm := filepath.Join(dir, "greater-manchester-assets")
	tests := []struct {
		name, path string
		m          Mapping
		rows       int
		category   string // the category of every asset loaded, if one
		check      func(t *testing.T, im *spatlas.Import)
	}{
		{"libraries", filepath.Join(dir, "england-libraries", "libraries.csv"),
			Mapping{CategoryFixed: "learning-work", Exclude: []Exclude{{Column: "closed", Reason: "closed"}}}, 3238, "learning-work",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Excluded) != 252 {
					t.Errorf("%d excluded, want the 252 closed libraries", len(im.Excluded))
				}
				if len(im.Unlocated) != 0 {
					t.Errorf("%d unlocated, want none: every row has coordinates", len(im.Unlocated))
				}
				if len(im.Assets) < 2900 {
					t.Errorf("%d loaded, want most of the 2,986 open libraries", len(im.Assets))
				}
				if a := im.Assets[0]; a.Name != "Barking" || a.SourceID != "1" || a.Postcode != "IG11 7NB" || a.URL != "www.lbbd.gov.uk/libraries" {
					t.Errorf("first library %+v", a)
				}
			}},
		{"gm libraries", filepath.Join(gm, "gm_libraries.csv"), Mapping{}, 141, "learning-work",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Assets) < 135 {
					t.Errorf("%d loaded, want nearly all 141", len(im.Assets))
				}
			}},
		{"gm food banks", filepath.Join(gm, "gm_food_banks.csv"), Mapping{CategoryFixed: "food"}, 171, "",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Unlocated) != 171 {
					t.Errorf("%d unlocated, want all 171: the file has postcodes only", len(im.Unlocated))
				}
				for _, r := range im.Unlocated {
					if r.Reason != "postcode only, no postcode lookup loaded" && r.Reason != "no coordinates and no postcode" {
						t.Errorf("row %d: reason %q", r.Row, r.Reason)
					}
				}
			}},
		{"sports facilities", filepath.Join(gm, "sports_facilities.csv"), Mapping{}, 314, "physical-activity",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Assets) < 300 {
					t.Errorf("%d loaded, want nearly all 314", len(im.Assets))
				}
				if a := im.Assets[0]; a.SourceID != "1043459" || a.Name != "A S E Club" || !slices.Equal(a.Hints.Labels, []string{"Sports halls"}) {
					t.Errorf("first facility %+v", a)
				}
			}},
		{"sports clubs", filepath.Join(gm, "sports_clubs.csv"), Mapping{}, 140, "",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Unlocated) != 140 {
					t.Errorf("%d unlocated, want all 140 (postcodes only)", len(im.Unlocated))
				}
			}},
		{"mental health services", filepath.Join(gm, "trafford_mental_health_services.csv"),
			Mapping{Labels: Columns{"description"}}, 60, "", nil},
		{"charities", filepath.Join(gm, "charities_operating_in_trafford.csv"),
			Mapping{Labels: Columns{"charity_activities"}}, 736, "",
			func(t *testing.T, im *spatlas.Import) {
				for _, r := range im.Unlocated {
					if r.ID == "" {
						t.Errorf("row %d has no charity number", r.Row)
						break
					}
				}
			}},
		{"general practices", filepath.Join(gm, "trafford_general_practices.csv"),
			Mapping{CategoryFixed: "health-services"}, 26, "health-services",
			func(t *testing.T, im *spatlas.Import) {
				if len(im.Assets) != 26 {
					t.Errorf("%d loaded, want all 26", len(im.Assets))
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := mustReadAssets(t, tt.path, tt.m, nil)
			cats := summary(t, im)
			if tt.category != "" && cats[tt.category] != len(im.Assets) {
				t.Errorf("categories %v, want all %d assets in %s", cats, len(im.Assets), tt.category)
			}
			if im.RowsRead != tt.rows {
				t.Errorf("%d rows read, want %d", im.RowsRead, tt.rows)
			}
			if tt.check != nil {
				tt.check(t, im)
			}
		})
	}
}

// TestRealFoodBanksWithPostcodes places the postcode-only food banks through a small postcode
// lookup built from the coordinates of the same food banks in gm_food_banks.geojson.
func TestRealFoodBanksWithPostcodes(t *testing.T) {
	dir := filepath.Join(testenv.DataDir(t), "greater-manchester-assets")
	pc := postcodesFromGeoJSON(t, filepath.Join(dir, "gm_food_banks.geojson"), 40)
	im := mustReadAssets(t, filepath.Join(dir, "gm_food_banks.csv"), Mapping{CategoryFixed: "food"}, pc)
	summary(t, im)
	if len(im.Assets) < 30 || len(im.Unlocated) == 0 {
		t.Errorf("%d loaded, %d unlocated: want 30 or more placed by the 40-postcode lookup, the rest unlocated",
			len(im.Assets), len(im.Unlocated))
	}
	for _, r := range im.Unlocated {
		if !strings.HasSuffix(r.Reason, "not in the postcode lookup") && r.Reason != "no coordinates and no postcode" {
			t.Errorf("row %d: reason %q", r.Row, r.Reason)
		}
	}
	for _, a := range im.Assets {
		if a.Hints.Category != "food" || a.Loc.SRID != spatlas.SRIDWGS84 {
			t.Errorf("row %d: %+v", a.Row, a)
		}
	}
}

// BenchmarkReadAssets reads 100,000 synthetic asset rows with coordinates over England.
func BenchmarkReadAssets(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("id,name,category,lon,lat,postcode\n")
	for i := range 100000 {
		fmt.Fprintf(&csv, "%d,Asset %d Community Centre,Social groups,%.6f,%.6f,M1 1AE\n",
			i, i, -2.5+float64(i%400)/100, 51.0+float64(i%300)/100)
	}
	data := csv.String()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		im, err := ReadAssets("bench", "bench.csv", strings.NewReader(data), Mapping{}, nil)
		if err != nil || len(im.Assets) != 100000 {
			b.Fatalf("%v, %d assets", err, len(im.Assets))
		}
	}
}
