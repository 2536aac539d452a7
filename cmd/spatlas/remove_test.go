package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestRemove imports two files of one dataset and one of another that names one of the same
// places, then removes them: a file, then the dataset. What they stored goes, the shared place
// stays with its other source, the API stops listing them, and the next build recomputes the
// asset stage.
func TestRemove(t *testing.T) {
	db := pgtest.DB(t, "remove")
	pgtest.Load(t, db, pgtest.FixtureDir(t), "iod2019")
	url := pgtest.URL(t, "remove")
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "Name,Type,Latitude,Longitude\nGrange Road Food Bank,Food bank,54.565,-1.245\nWarm Space,Community centre,54.566,-1.246\n")
	b := write("b.csv", "Name,Type,Latitude,Longitude\nHartlepool Credit Union,Credit union,54.575,-1.235\n")
	other := write("other.csv", "Name,Type,Latitude,Longitude\nGrange Road Food Bank,Food bank,54.5651,-1.2451\n")
	for _, imp := range [][]string{{"test-remove", a}, {"test-remove", b}, {"test-keep", other}} {
		if _, _, err := runCmd(t, url, "import", "-dataset", imp[0], imp[1]); err != nil {
			t.Fatalf("import %s: %v", imp[1], err)
		}
	}
	countAssets := func(source string) int64 {
		page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("assets"), Limit: 10,
			Filters: []spatlas.Filter{{Property: "source", Value: source}}})
		if err != nil {
			t.Fatal(err)
		}
		return page.NumberMatched
	}
	if n, k := countAssets("test-remove"), countAssets("test-keep"); n != 3 || k != 1 {
		t.Fatalf("after the imports: %d test-remove assets, %d test-keep; want 3, 1", n, k)
	}
	build := func() spatlas.BuildReport {
		rep, err := db.Build(ctx, "iod2019", spatlas.DefaultBuildParams(), false)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	build()
	if rep := build(); !rep.UpToDate {
		t.Fatalf("a second build recomputed %v", rep.Stages)
	}

	generation := func() int64 {
		g, err := db.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	before := generation()
	out, _, err := runCmd(t, url, "remove", "-dataset", "test-remove", "-file", "b.csv")
	if err != nil || !strings.Contains(out, "removed test-remove/b.csv") || !strings.Contains(out, "1 file: 1 assets (1 source records), 0 services removed") {
		t.Fatalf("remove b.csv: %v\n%s", err, out)
	}
	// Caches key on the data generation: a removal must move it on, never back.
	if after := generation(); after <= before {
		t.Errorf("data generation %d after the removal, %d before: want it to grow", after, before)
	}
	if rep := build(); !slices.Contains(rep.Stages, "assets") {
		t.Errorf("the build after a removal recomputed %v, want the assets stage", rep.Stages)
	}
	// The food bank both datasets name stays, with test-keep's record only.
	out, _, err = runCmd(t, url, "remove", "-dataset", "test-remove")
	if err != nil || !strings.Contains(out, "removed test-remove/a.csv") || !strings.Contains(out, "1 file: 1 assets (2 source records)") {
		t.Fatalf("remove test-remove: %v\n%s", err, out)
	}
	if n, k := countAssets("test-remove"), countAssets("test-keep"); n != 0 || k != 1 {
		t.Errorf("after the removal: %d test-remove assets, %d test-keep; want 0, 1", n, k)
	}

	base := startServer(t, url)
	var datasets struct{ Datasets []spatlas.Dataset }
	getJSON(t, base+"/api/datasets", &datasets)
	var reps []spatlas.ProvisionReport
	getJSON(t, base+"/api/load-reports", &reps)
	var names []string
	for _, d := range datasets.Datasets {
		names = append(names, d.Dataset+"/"+d.File)
	}
	for _, r := range reps {
		names = append(names, r.Dataset+"/"+r.File)
	}
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "test-remove/") }) ||
		!slices.Contains(names, "test-keep/other.csv") {
		t.Errorf("/api/datasets and /api/load-reports list %v", names)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-dataset", "test-remove"}, `no provision dataset "test-remove" (loaded: "test-keep")`},
		{[]string{"-dataset", "test-keep", "-file", "x.csv"}, `dataset "test-keep" has no file "x.csv" (its files: "other.csv")`},
		{nil, "-dataset is required"},
	} {
		_, _, err := runCmd(t, url, append([]string{"remove"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("remove %v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
