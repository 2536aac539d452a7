package oruk

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

// postcodes is a postcode lookup held in a map, keyed by postcodes without spaces.
type postcodes map[string][2]float64

func (p postcodes) Lookup(pc string) (lon, lat float64, ok bool) {
	v, ok := p[strings.ToUpper(strings.ReplaceAll(pc, " ", ""))]
	return v[0], v[1], ok
}

// readFile reads a file of testdata with Read.
func readFile(tb testing.TB, name string, o Options) (*spatlas.Import, error) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if o.File == "" {
		o.File = name
	}
	return Read(f, o)
}

// checkBalance fails when the import does not account for every unit it read.
func checkBalance(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	if n := len(im.Assets) + len(im.Rejected) + len(im.Unlocated) + len(im.Excluded); n != im.RowsRead {
		tb.Errorf("rows read %d, but %d assets + %d rejected + %d unlocated + %d excluded = %d",
			im.RowsRead, len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded), n)
	}
}

// issueByID returns the issue with the given id in a list, failing when there is not exactly one.
func issueByID(tb testing.TB, list []spatlas.RowIssue, id string) spatlas.RowIssue {
	tb.Helper()
	var found []spatlas.RowIssue
	for _, is := range list {
		if is.ID == id {
			found = append(found, is)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("%d issues with id %q in %+v", len(found), id, list)
	}
	return found[0]
}

func assetByID(tb testing.TB, im *spatlas.Import, id string) spatlas.Asset {
	tb.Helper()
	for _, a := range im.Assets {
		if a.SourceID == id {
			return a
		}
	}
	tb.Fatalf("no asset %q among %d", id, len(im.Assets))
	return spatlas.Asset{}
}

func TestReadMixed(t *testing.T) {
	lookup := postcodes{"BS22BB": {-2.58, 51.46}, "EH11AA": {-3.19, 55.95}}
	tests := []struct {
		name                                  string
		postcodes                             spatlas.Postcodes
		assets, rejected, unlocated, excluded int
		annex                                 string // where unit s1@L2 ends: "asset" or "unlocated"
		edinburgh                             string // where s9@L9 ends: "rejected" or "unlocated"
		annexReason, edinburghReason          string
	}{
		{
			name:   "no postcode lookup",
			assets: 2, rejected: 2, unlocated: 5, excluded: 4,
			annex: "unlocated", annexReason: `location "Annex" (L2) has no latitude/longitude; its postcode BS2 2BB needs a postcode lookup`,
			edinburgh: "unlocated", edinburghReason: "location L9 has no latitude/longitude; its postcode EH1 1AA needs a postcode lookup",
		},
		{
			name: "postcode lookup", postcodes: lookup,
			assets: 3, rejected: 3, unlocated: 3, excluded: 4,
			annex: "asset", edinburgh: "rejected",
			edinburghReason: "location L9 has no latitude/longitude; its postcode EH1 1AA: longitude -3.19, latitude 55.95 is outside England and Wales",
		},
		{
			name: "empty postcode lookup", postcodes: postcodes{},
			assets: 2, rejected: 2, unlocated: 5, excluded: 4,
			annex: "unlocated", annexReason: `location "Annex" (L2) has no latitude/longitude; its postcode BS2 2BB is not in the postcode lookup`,
			edinburgh: "unlocated", edinburghReason: "location L9 has no latitude/longitude; its postcode EH1 1AA is not in the postcode lookup",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := readFile(t, "mixed.json", Options{Dataset: "test", Postcodes: tt.postcodes})
			if err != nil {
				t.Fatal(err)
			}
			checkBalance(t, im)
			if im.RowsRead != 13 || im.Totals["services"] != 11 || im.Totals["service_at_locations"] != 11 {
				t.Errorf("rows read %d, totals %v; want 13 units of 11 services with 11 service_at_locations", im.RowsRead, im.Totals)
			}
			if len(im.Assets) != tt.assets || len(im.Rejected) != tt.rejected || len(im.Unlocated) != tt.unlocated || len(im.Excluded) != tt.excluded {
				t.Errorf("assets %d rejected %d unlocated %d excluded %d; want %d %d %d %d\nrejected %+v\nunlocated %+v\nexcluded %+v",
					len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded),
					tt.assets, tt.rejected, tt.unlocated, tt.excluded, im.Rejected, im.Unlocated, im.Excluded)
			}
			if im.Dataset != "test" || im.File != "mixed.json" {
				t.Errorf("dataset %q file %q", im.Dataset, im.File)
			}

			a := assetByID(t, im, "s1@L1")
			want := spatlas.Asset{
				Dataset: "test", File: "mixed.json", SourceID: "s1@L1", Row: 1, Name: "Food Bank",
				Hints: spatlas.CategoryHints{
					Terms: []string{"food-banks", "Food banks"}, Labels: []string{"Low Income"}, Name: "Food Bank",
				},
				Address: "2 High Street, Bristol, BS1 1AB", Postcode: "BS1 1AB", URL: "https://example.org/food",
				Loc: spatlas.Location{X: -2.5879, Y: 51.4545, SRID: spatlas.SRIDWGS84},
			}
			checkAsset(t, a, want)

			old := assetByID(t, im, "s7@L7")
			checkAsset(t, old, spatlas.Asset{
				Dataset: "test", File: "mixed.json", SourceID: "s7@L7", Row: 7, Name: "Community Centre",
				Hints: spatlas.CategoryHints{
					Terms: []string{"Support", "bccprimaryservicetype:38"}, Name: "Community Centre",
				},
				Address: "7 Green Lane, Bristol, BS3 3CC", Postcode: "BS3 3CC",
				Loc: spatlas.Location{X: -2.59, Y: 51.46, SRID: spatlas.SRIDWGS84},
			})

			switch tt.annex {
			case "asset":
				an := assetByID(t, im, "s1@L2")
				if an.Loc.X != -2.58 || an.Loc.Y != 51.46 || an.Loc.SRID != spatlas.SRIDWGS84 || an.Postcode != "BS2 2BB" || an.Row != 1 {
					t.Errorf("annex placed by postcode: %+v", an)
				}
			case "unlocated":
				is := issueByID(t, im.Unlocated, "s1@L2")
				if is.Reason != tt.annexReason || is.Row != 1 || is.Postcode != "BS2 2BB" || is.Name != "Food Bank" {
					t.Errorf("annex: %+v\nwant reason %q", is, tt.annexReason)
				}
			}
			list := im.Unlocated
			if tt.edinburgh == "rejected" {
				list = im.Rejected
			}
			if is := issueByID(t, list, "s9@L9"); is.Reason != tt.edinburghReason {
				t.Errorf("edinburgh reason %q, want %q", is.Reason, tt.edinburghReason)
			}

			checks := []struct {
				list   []spatlas.RowIssue
				id     string
				row    int
				reason string
			}{
				{im.Unlocated, "s2", 2, "no service_at_locations in the record (list responses carry none: fetch each service in full)"},
				{im.Excluded, "s3@L3", 3, `status is "inactive", not active`},
				{im.Excluded, "s1@L1", 4, "duplicate of record 1"},
				{im.Excluded, "s1@L2", 4, "duplicate of record 1"},
				{im.Excluded, "s5@L5", 5, "location L5 is virtual (online only), not a place"},
				{im.Rejected, "s6@L6", 6, "location L6: latitude and longitude look swapped (latitude -2.58, longitude 51.45)"},
				{im.Rejected, "s8@L8", 8, `location L8: latitude "fifty-one" is not a number`},
				{im.Unlocated, "s10@L10", 10, "location L10 has only one of latitude and longitude and no postcode"},
				{im.Unlocated, "11", 11, "no service_at_locations in the record (list responses carry none: fetch each service in full)"},
			}
			for _, c := range checks {
				var is spatlas.RowIssue
				if c.id == "s1@L1" || c.id == "s1@L2" {
					is = issueByID(t, onlyRow(c.list, c.row), c.id)
				} else {
					is = issueByID(t, c.list, c.id)
				}
				if is.Row != c.row || is.Reason != c.reason {
					t.Errorf("%s: row %d reason %q; want row %d reason %q", c.id, is.Row, is.Reason, c.row, c.reason)
				}
			}
			if is := issueByID(t, im.Unlocated, "s2"); is.Name != "Advice Line" {
				t.Errorf("s2 name %q", is.Name)
			}
		})
	}
}

func onlyRow(list []spatlas.RowIssue, row int) []spatlas.RowIssue {
	return slices.DeleteFunc(slices.Clone(list), func(is spatlas.RowIssue) bool { return is.Row != row })
}

func checkAsset(tb testing.TB, got, want spatlas.Asset) {
	tb.Helper()
	if got.Dataset != want.Dataset || got.File != want.File || got.SourceID != want.SourceID || got.Row != want.Row ||
		got.Name != want.Name || got.Address != want.Address || got.Postcode != want.Postcode || got.URL != want.URL ||
		got.Loc.X != want.Loc.X || got.Loc.Y != want.Loc.Y || got.Loc.SRID != want.Loc.SRID ||
		got.Category != "" || got.Hints.Name != want.Hints.Name ||
		!slices.Equal(got.Hints.Terms, want.Hints.Terms) || !slices.Equal(got.Hints.Labels, want.Hints.Labels) {
		tb.Errorf("asset\n got %+v\nwant %+v", got, want)
	}
}

func TestReadShapes(t *testing.T) {
	tests := []struct {
		name, file string
		rows       int
		assets     int
		unlocated  int
	}{
		{"paged list", "paged.json", 2, 1, 1},
		{"string latitude", "string_latitude.json", 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := readFile(t, tt.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkBalance(t, im)
			if im.RowsRead != tt.rows || len(im.Assets) != tt.assets || len(im.Unlocated) != tt.unlocated {
				t.Errorf("rows %d assets %d unlocated %d; want %d %d %d", im.RowsRead, len(im.Assets), len(im.Unlocated),
					tt.rows, tt.assets, tt.unlocated)
			}
		})
	}
	t.Run("string latitude is rejected with the reason", func(t *testing.T) {
		im, err := readFile(t, "string_latitude.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		is := issueByID(t, im.Rejected, "s@l")
		if want := `location "Park" (l): latitude "north" is not a number`; is.Reason != want || is.Row != 1 {
			t.Errorf("got %+v, want reason %q", is, want)
		}
	})
	t.Run("single service_at_location", func(t *testing.T) {
		doc := `{"id": "sal", "location": {"id": "L", "name": "Hall", "latitude": 52.2, "longitude": 0.12},
			"service": {"id": "S", "name": "", "status": "active", "organization": {"name": "The Org"}}}`
		im, err := Read(strings.NewReader(doc), Options{File: "x.json"})
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Assets) != 1 || im.Assets[0].SourceID != "S@L" || im.Assets[0].Name != "Hall" {
			t.Fatalf("got %+v", im)
		}
	})
	t.Run("organisation with services", func(t *testing.T) {
		doc := `{"id": "O", "name": "The Org", "services": [
			{"id": "A", "status": "active"},
			{"id": "B", "status": "active", "name": "Bee", "service_at_locations": [{"location": {"latitude": 52.2, "longitude": 0.12}}]}]}`
		im, err := Read(strings.NewReader(doc), Options{File: "x.json"})
		if err != nil {
			t.Fatal(err)
		}
		checkBalance(t, im)
		if len(im.Assets) != 1 || im.Assets[0].SourceID != "B@#1" || im.Assets[0].Row != 2 {
			t.Errorf("assets %+v", im.Assets)
		}
		if len(im.Unlocated) != 1 || im.Unlocated[0].Name != "The Org" || im.Unlocated[0].Row != 1 {
			t.Errorf("unlocated %+v", im.Unlocated)
		}
	})
	t.Run("older ORUK paged list", func(t *testing.T) {
		doc := "\xef\xbb\xbf" + `{"totalElements": 1, "totalPages": 1, "number": 1, "size": 1, "first": true, "last": true,
			"content": [{"id": "A", "name": "Aye", "status": "active"}]}`
		im, err := Read(strings.NewReader(doc), Options{File: "x.json"})
		if err != nil {
			t.Fatal(err)
		}
		if im.RowsRead != 1 || len(im.Unlocated) != 1 {
			t.Errorf("got %+v", im)
		}
	})
	t.Run("empty list", func(t *testing.T) {
		im, err := Read(strings.NewReader(`{"total_items": 0, "contents": null}`), Options{File: "x.json"})
		if err != nil {
			t.Fatal(err)
		}
		if im.RowsRead != 0 || im.Totals["services"] != 0 {
			t.Errorf("got %+v", im)
		}
	})
}

func TestReadBroken(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // parts of the error message
	}{
		{"not JSON", "not_json.txt", []string{"not_json.txt: not valid JSON: line 1, column 2"}},
		{"truncated", "truncated.json", []string{"truncated.json: not valid JSON: the document ends early, at line 3"}},
		{"object without services", "wrong_shape.json", []string{"wrong_shape.json: neither a list of services", "fields error, items"}},
		{"field of the wrong type", "type_error.json", []string{"type_error.json: record 2 (id b): service_at_locations is a JSON object where an array was expected"}},
		{"text that is an object", "name_object.json", []string{"name_object.json: record 1 (id a): name is a JSON object where text was expected"}},
		{"list of organisations", "not_services.json", []string{"not_services.json: record 1 is not an Open Referral service", "fields id, name, website"}},
		{"record not an object", "not_object.json", []string{"not_object.json: record 2 is a JSON number, not a service"}},
		{"paging field of the wrong type", "bad_paging.json", []string{`bad_paging.json: total_pages is "many", not a whole number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := readFile(t, tt.file, Options{})
			if err == nil {
				t.Fatalf("no error; read %+v", im)
			}
			if spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Errorf("code %q for %v", spatlas.ErrorCode(err), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	inline := []struct {
		name, doc, want string
	}{
		{"empty", "  \n", "x.json: empty: no JSON document"},
		{"number", "42", "x.json: the document is a JSON number, not a list of services or a service"},
		{"taxonomy term", `{"id": "t", "name": "n", "term_uri": "http://example.com"}`, "x.json: neither a list of services"},
		{"services not an array", `{"id": "O", "services": {"id": "A"}}`, "x.json: record 1: services is a JSON object, not an array"},
	}
	for _, tt := range inline {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.doc), Options{File: "x.json"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func readReal(tb testing.TB, dataset, file string) (*spatlas.Import, error) {
	tb.Helper()
	path := filepath.Join(testenv.DataDir(tb), dataset, file)
	r, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	return Read(r, Options{Dataset: dataset, File: file})
}

func TestReadBristol(t *testing.T) {
	im, err := readReal(t, "openreferral-uk-live-samples", "Bristol Council.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, im)
	if im.RowsRead != 819 || im.Totals["services"] != 819 || im.Totals["service_at_locations"] != 0 {
		t.Errorf("rows read %d, totals %v; want 819 services without locations", im.RowsRead, im.Totals)
	}
	if len(im.Assets) != 0 || len(im.Rejected) != 0 || len(im.Unlocated) != 818 || len(im.Excluded) != 1 {
		t.Errorf("assets %d rejected %d unlocated %d excluded %d; want 0 0 818 1",
			len(im.Assets), len(im.Rejected), len(im.Unlocated), len(im.Excluded))
	}
	if len(im.Excluded) == 1 {
		ex := im.Excluded[0]
		if ex.ID != "2af617e5-4532-bebe-1036-ffdf2e93ce55" || ex.Row != 811 || ex.Reason != "duplicate of record 374" {
			t.Errorf("excluded %+v", ex)
		}
	}
	ids := map[string]bool{}
	for _, u := range im.Unlocated {
		ids[u.ID] = true
		if u.Reason != "no service_at_locations in the record (list responses carry none: fetch each service in full)" {
			t.Fatalf("unlocated %+v", u)
		}
	}
	if len(ids) != 818 {
		t.Errorf("%d distinct ids among the unlocated, want 818", len(ids))
	}
	if u := im.Unlocated[1]; u.Row != 2 || u.Name != "1625 Independent People" {
		t.Errorf("second record %+v", u)
	}
}

func TestReadExamples(t *testing.T) {
	const rejectReason = `location "MyCity Civic Center" (3a19ff88-4620-4d17-9830-ac1d859eb5d5): latitude 100 is out of range (-90 to 90)`
	const id = "ac148810-d857-441c-9679-408f346de14b@3a19ff88-4620-4d17-9830-ac1d859eb5d5"
	tests := []struct {
		file      string
		rejected  int
		unlocated int
		postcode  string
	}{
		{"service_full.json", 1, 0, "ABC 1234"},
		{"service_at_location_full.json", 1, 0, "ABC 1234"},
		{"service_at_location_list.json", 1, 0, ""}, // its location has no addresses
		{"organization_full.json", 1, 0, "ABC 1234"},
		{"service_list.json", 0, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			im, err := readReal(t, "openreferral-uk-examples", tt.file)
			if err != nil {
				t.Fatal(err)
			}
			checkBalance(t, im)
			if im.RowsRead != 1 || len(im.Assets) != 0 || len(im.Rejected) != tt.rejected || len(im.Unlocated) != tt.unlocated {
				t.Fatalf("rows %d assets %d rejected %+v unlocated %+v", im.RowsRead, len(im.Assets), im.Rejected, im.Unlocated)
			}
			if tt.rejected == 1 {
				if r := im.Rejected[0]; r.ID != id || r.Row != 1 || r.Reason != rejectReason || r.Name != "Community Counselling" || r.Postcode != tt.postcode {
					t.Errorf("rejected %+v", r)
				}
			}
		})
	}
	for _, file := range []string{"organization_list.json", "taxonomy.json", "taxonomy_list.json", "taxonomy_term.json", "taxonomy_term_list.json"} {
		t.Run(file+" is not services", func(t *testing.T) {
			_, err := readReal(t, "openreferral-uk-examples", file)
			if err == nil || !strings.HasPrefix(err.Error(), file+": ") {
				t.Errorf("error %v; want one naming %s", err, file)
			}
		})
	}
	t.Run("service_full.json taxonomy terms", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(testenv.DataDir(t), "openreferral-uk-examples", "service_full.json"))
		if err != nil {
			t.Fatal(err)
		}
		ss, err := decodeRecord("service_full.json", "record 1", data, nil)
		if err != nil || len(ss) != 1 {
			t.Fatalf("%d services, error %v", len(ss), err)
		}
		// The specification's example term is a placeholder: name and term are both "name",
		// and its id is a UUID, which is left out.
		if got := ss[0].terms(); !slices.Equal(got, []string{"name"}) {
			t.Errorf("terms %q", got)
		}
	})
}
