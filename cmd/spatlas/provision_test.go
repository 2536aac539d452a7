package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// runCmd runs a spatlas command against a database and returns what it printed.
func runCmd(t *testing.T, dbURL string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": dbURL, "SPATLAS_LOG_LEVEL": "warn"}
	var out, errb bytes.Buffer
	err = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

// TestImport imports a user's asset file, then a broken version of it, which must fail with the
// file, line and reason and leave the first import serving.
func TestImport(t *testing.T) {
	db := pgtest.DB(t, "import")
	pgtest.Load(t, db, pgtest.FixtureDir(t), "iod2019")
	url := pgtest.URL(t, "import")
	dir := t.TempDir()
	file := filepath.Join(dir, "community.csv")
	good := "Name,Type,Latitude,Longitude,Postcode\n" +
		"Grange Road Food Bank,Food bank,54.565,-1.245,\n" +
		"Hartlepool Credit Union,Credit union,54.575,-1.235,\n" +
		"Warm Space,,,,TS24 7AA\n" +
		"Misplaced,Community centre,100,-1.24,\n"
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, url, "import", "-dataset", "test-community", file)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, want := range []string{"test-community/community.csv (assets): 4 rows read: 2 loaded", "1 rejected, 1 unlocated",
		"latitude 100 is out of range", "postcode only, no postcode lookup loaded"} {
		if !strings.Contains(out, want) {
			t.Errorf("import printed %q, want it to contain %q", out, want)
		}
	}
	// The second run replaces the first: still two assets, not four.
	if _, _, err := runCmd(t, url, "import", "-dataset", "test-community", file); err != nil {
		t.Fatal(err)
	}
	countAssets := func() int64 {
		page, err := db.Features(context.Background(), spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets"), Limit: 10,
			Filters: []spatlas.Filter{{Property: "source", Value: "test-community"}}})
		if err != nil {
			t.Fatal(err)
		}
		return page.NumberMatched
	}
	if n := countAssets(); n != 2 {
		t.Errorf("after importing the file twice: %d assets, want 2", n)
	}

	broken := good + "\"Unterminated,Food bank,54.56,-1.24,\n"
	if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, url, "import", "-dataset", "test-community", file)
	if err == nil || !strings.Contains(err.Error(), "community.csv:6") {
		t.Errorf("import of a broken file: err = %v, want an error naming community.csv:6", err)
	}
	if n := countAssets(); n != 2 {
		t.Errorf("after a failed import: %d assets, want the 2 of the last good import", n)
	}

	// Services: the example file of the README.
	out, _, err = runCmd(t, url, "import", "-dataset", "test-services", "-kind", "services", "../../internal/linkworkers/testdata/services.csv")
	if err != nil {
		t.Fatalf("import services: %v", err)
	}
	if !strings.Contains(out, "(services):") {
		t.Errorf("import services printed %q", out)
	}
	// With a postcode lookup the postcode-only row is placed; the lookup is in the ONSPD layout.
	pcs := filepath.Join(dir, "onspd.csv")
	if err := os.WriteFile(pcs, []byte("pcds,lat,long\nTS24 7AA,54.5655,-1.2455\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, url, "import", "-dataset", "test-community", "-postcodes", pcs, file)
	if err != nil || !strings.Contains(out, "4 rows read: 3 loaded") || !strings.Contains(out, "0 unlocated") {
		t.Errorf("import with a postcode lookup: %v\n%s", err, out)
	}

	out, _, err = runCmd(t, url, "reports", "-dataset", "test-community")
	if err != nil || !strings.Contains(out, "4 rows read") {
		t.Errorf("reports: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, url, "import", "-dataset", "x", "-category", "no-such-category", file); err == nil {
		t.Error("import with an unknown category succeeded")
	}
}

// TestProvisionAPI checks the provision endpoints on the real data.
func TestProvisionAPI(t *testing.T) {
	pgtest.Real(t)
	base := startServer(t, pgtest.URL(t, "real"))

	var reps []map[string]any
	if resp := getJSON(t, base+"/api/load-reports", &reps); resp.StatusCode != http.StatusOK {
		t.Fatalf("/api/load-reports: %d", resp.StatusCode)
	}
	if len(reps) < 15 {
		t.Errorf("%d load reports, want one per provision file (15 or more)", len(reps))
	}
	for _, r := range reps {
		for _, k := range []string{"dataset", "file", "rows_read", "loaded", "rejected", "unlocated"} {
			if _, ok := r[k]; !ok {
				t.Errorf("report %v/%v has no %q", r["dataset"], r["file"], k)
			}
		}
		un := r["unlocated"].(map[string]any)
		if rows, ok := un["rows"].([]any); !ok || len(rows) != int(un["count"].(float64)) {
			t.Errorf("%v/%v: unlocated count %v but rows %v", r["dataset"], r["file"], un["count"], len(rows))
		}
	}
	getJSON(t, base+"/api/load-reports?dataset=openreferral-uk-live-samples", &reps)
	if len(reps) != 1 || reps[0]["unlocated"].(map[string]any)["count"].(float64) != 818 {
		t.Errorf("Bristol: %v", reps)
	}

	var cats []struct {
		ID, Label, Colour string
		Count             int64
	}
	getJSON(t, base+"/api/categories", &cats)
	counts := map[string]int64{}
	for _, c := range cats {
		counts[c.ID] = c.Count
		if c.Label == "" || !strings.HasPrefix(c.Colour, "#") {
			t.Errorf("category %+v lacks a label or a colour", c)
		}
	}
	if counts["learning-work"] < 2900 || counts["food"] < 150 || counts["faith-community"] < 1000 {
		t.Errorf("category counts %v", counts)
	}

	var fc struct {
		NumberMatched int64
		Features      []struct {
			ID         string
			Geometry   struct{ Type string }
			Properties map[string]any
		}
	}
	getJSON(t, base+"/ogc/collections/assets/items?bbox=-2.4,53.4,-2.1,53.55&category=food&limit=500", &fc)
	if fc.NumberMatched < 50 || len(fc.Features) == 0 || fc.Features[0].Geometry.Type != "Point" || fc.Features[0].Properties["category"] != "food" {
		t.Errorf("food banks in central Greater Manchester: %d matched, first %+v", fc.NumberMatched, fc.Features)
	}
	getJSON(t, base+"/ogc/collections/services/items?lad_code=E08000009&provider_type=pcn", &fc)
	if fc.NumberMatched < 10 {
		t.Errorf("Trafford PCN services: %d", fc.NumberMatched)
	}
	one := fc.Features[0]
	var single struct{ ID string }
	if resp := getJSON(t, base+"/ogc/collections/services/items/"+one.ID, &single); resp.StatusCode != http.StatusOK || single.ID != one.ID {
		t.Errorf("services/items/%s: %d %+v", one.ID, resp.StatusCode, single)
	}
	for _, bad := range []string{
		"/ogc/collections/services/items?provider_type=charity",
		"/ogc/collections/assets/items?fte=1",
		"/ogc/collections/assets/items?bbox=1,2,3",
		"/api/load-reports?foo=1",
	} {
		var e map[string]any
		if resp := getJSON(t, base+bad, &e); resp.StatusCode != http.StatusBadRequest || e["code"] == nil {
			t.Errorf("%s: %d %v, want a 400 JSON error", bad, resp.StatusCode, e)
		}
	}
	var e map[string]any
	if resp := getJSON(t, base+"/ogc/collections/assets/items/999999999", &e); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d", resp.StatusCode)
	}
	b, _ := json.Marshal(e)
	if !strings.Contains(string(b), "999999999") {
		t.Errorf("404 body %s does not name the id", b)
	}
}
