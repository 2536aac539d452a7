package app_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestProvisionRealData checks the provision layers loaded from the real data: every row read is
// accounted for, and the figures the sources document come out.
func TestProvisionRealData(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	reps, err := db.ProvisionReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]spatlas.ProvisionReport{}
	for _, r := range reps {
		byFile[r.Dataset+"/"+r.File] = r
		if n := r.Loaded + r.Rejected.Count + r.Unlocated.Count + r.Excluded.Count; n != r.RowsRead {
			t.Errorf("%s/%s: %d rows read, %d accounted for", r.Dataset, r.File, r.RowsRead, n)
		}
		for _, l := range []spatlas.Issues{r.Rejected, r.Unlocated, r.Excluded} {
			if l.Count != len(l.Rows) {
				t.Errorf("%s/%s: count %d but %d rows listed", r.Dataset, r.File, l.Count, len(l.Rows))
			}
			for _, row := range l.Rows {
				if row.Reason == "" || (row.Row == 0 && row.ID == "") {
					t.Errorf("%s/%s: a row without a reason or a row number and id: %+v", r.Dataset, r.File, row)
				}
			}
		}
	}
	tests := []struct {
		file                                    string
		read, loaded, rejected, unlocated, excl int
		reason                                  string // a fragment of some row's reason
	}{
		{"england-libraries/libraries.csv", 3238, 2986, 0, 0, 252, "closed (XL)"},
		{"greater-manchester-assets/gm_food_banks.geojson", 171, 171, 0, 0, 0, ""},
		{"greater-manchester-assets/gm_places_of_worship_RAW.geojson", 1620, 1620, 0, 0, 0, ""},
		{"greater-manchester-assets/sports_clubs.csv", 140, 0, 0, 140, 0, "postcode only, no postcode lookup loaded"},
		{"greater-manchester-assets/trafford_mental_health_services.csv", 60, 0, 0, 60, 0, "postcode only"},
		{"osm-norwich-2019/enjoy.geojson", 765, 765, 0, 0, 0, ""},
		{"openreferral-uk-live-samples/Bristol Council.json.gz", 819, 0, 0, 818, 1, "no service_at_locations"},
		{"openreferral-uk-examples/service_full.json", 1, 0, 1, 0, 0, "latitude 100 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, ok := byFile[tc.file]
			if !ok {
				t.Fatalf("no report for %s", tc.file)
			}
			got := [5]int{r.RowsRead, r.Loaded, r.Rejected.Count, r.Unlocated.Count, r.Excluded.Count}
			if want := [5]int{tc.read, tc.loaded, tc.rejected, tc.unlocated, tc.excl}; got != want {
				t.Errorf("read, loaded, rejected, unlocated, excluded = %v, want %v", got, want)
			}
			if tc.reason != "" && !hasReason(r, tc.reason) {
				t.Errorf("no row gives the reason %q", tc.reason)
			}
		})
	}

	// The national link worker layer: PCN FTE is placed or reported, never lost.
	var wf spatlas.ProvisionReport
	for _, r := range reps {
		if r.Dataset == "pcn-workforce" {
			wf = r
		}
	}
	read, placed, unplaced := wf.Totals["fte_read"], wf.Totals["fte_placed"], wf.Totals["fte_unplaced"]
	if math.Abs(read-2805.85) > 0.01 || math.Abs(read-placed-unplaced) > 1e-6 {
		t.Errorf("link worker FTE read %.4f, placed %.4f, not placed %.4f; want 2805.85 read, all accounted for", read, placed, unplaced)
	}
	if wf.Kind != spatlas.KindServices || wf.Loaded < 5000 || wf.Unlocated.Count == 0 {
		t.Errorf("pcn-workforce: kind %s, %d loaded, %d unlocated", wf.Kind, wf.Loaded, wf.Unlocated.Count)
	}
	page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection(spatlas.CollectionServices), Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var services []struct{ Properties map[string]any }
	if err := json.Unmarshal(page.Features, &services); err != nil {
		t.Fatal(err)
	}
	var fte float64
	for _, s := range services {
		fte += s.Properties["fte"].(float64)
	}
	if math.Abs(fte-placed) > 0.01 {
		t.Errorf("the services layer holds %.4f FTE, the report says %.4f were placed", fte, placed)
	}

	// An OSM library in Norwich lies in Norwich; a food bank in Greater Manchester in one of its
	// ten boroughs; libraries named by three sources are one asset with three source records.
	one := func(filters ...spatlas.Filter) map[string]any {
		t.Helper()
		page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection(spatlas.CollectionAssets), Limit: 5000, Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		var fs []struct{ Properties map[string]any }
		if err := json.Unmarshal(page.Features, &fs); err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			for _, s := range f.Properties["sources"].([]any) {
				if s.(map[string]any)["source_id"] == "node/299412199" {
					return f.Properties
				}
			}
		}
		return nil
	}
	lib := one(spatlas.Filter{Property: "category", Value: "learning-work"}, spatlas.Filter{Property: "lad_code", Value: "E07000148"})
	if lib == nil || lib["name"] != "Norfolk and Norwich Millennium Library" {
		t.Errorf("node/299412199 in Norwich (E07000148): %v", lib)
	}
	page, err = db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection(spatlas.CollectionAssets), Limit: 1000,
		Filters: []spatlas.Filter{{Property: "source", Value: "greater-manchester-assets"}, {Property: "category", Value: "food"}}})
	if err != nil {
		t.Fatal(err)
	}
	var food []struct{ Properties map[string]any }
	if err := json.Unmarshal(page.Features, &food); err != nil {
		t.Fatal(err)
	}
	outside, multi := 0, 0
	for _, f := range food {
		if lad, _ := f.Properties["lad_code"].(string); lad < "E08000001" || lad > "E08000010" {
			outside++
		}
	}
	if len(food) < 150 || outside > 2 {
		t.Errorf("%d Greater Manchester food banks, %d of them outside its ten boroughs", len(food), outside)
	}
	page, err = db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection(spatlas.CollectionAssets), Limit: 10000,
		Filters: []spatlas.Filter{{Property: "category", Value: "learning-work"}, {Property: "lad_code", Value: "E08000009"}}})
	if err != nil {
		t.Fatal(err)
	}
	var trafford []struct{ Properties map[string]any }
	if err := json.Unmarshal(page.Features, &trafford); err != nil {
		t.Fatal(err)
	}
	for _, f := range trafford {
		if len(f.Properties["sources"].([]any)) >= 3 {
			multi++
		}
	}
	if multi == 0 {
		t.Errorf("no Trafford library merges the national list and both Greater Manchester files")
	}
}

func hasReason(r spatlas.ProvisionReport, frag string) bool {
	for _, l := range []spatlas.Issues{r.Rejected, r.Unlocated, r.Excluded} {
		for _, row := range l.Rows {
			if strings.Contains(row.Reason, frag) {
				return true
			}
		}
	}
	return false
}
