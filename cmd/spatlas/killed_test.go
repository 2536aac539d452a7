package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestMain lets a test run the spatlas command in a child process: with SPATLAS_TEST_MAIN set,
// the test binary is spatlas, its arguments separated by newlines in that variable.
func TestMain(m *testing.M) {
	if args := os.Getenv("SPATLAS_TEST_MAIN"); args != "" {
		err := run(context.Background(), strings.Split(args, "\n"), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "spatlas:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeSyntheticIoD2019 writes an iod2019 data directory of n LSOAs: File 1 rows and square
// boundaries with many vertices each, big enough for a load to take seconds.
func writeSyntheticIoD2019(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"imd2019", "lsoa2011-boundaries"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	csv, err := os.Create(filepath.Join(dir, "imd2019", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"))
	if err != nil {
		t.Fatal(err)
	}
	geo, err := os.Create(filepath.Join(dir, "lsoa2011-boundaries", "synthetic.json"))
	if err != nil {
		t.Fatal(err)
	}
	cw, gw := bufio.NewWriter(csv), bufio.NewWriter(geo)
	fmt.Fprint(cw, "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n")
	fmt.Fprint(gw, `{"type":"FeatureCollection","features":[`)
	const side, per = 0.002, 50 // degrees; vertices per edge
	for i := 0; i < n; i++ {
		code := fmt.Sprintf("E01%06d", i+1)
		rank := i*32844/n + 1
		fmt.Fprintf(cw, "%s,Synthetic %d,E0600%04d,District %d,%d,%d\n", code, i, i/200, i/200, rank, (rank-1)*10/32844+1)
		x0, y0 := -2.5+float64(i%300)*side, 52+float64(i/300)*side
		if i > 0 {
			gw.WriteByte(',')
		}
		fmt.Fprintf(gw, `{"type":"Feature","properties":{"LSOA11CD":"%s"},"geometry":{"type":"Polygon","coordinates":[[`, code)
		for k := 0; k < 4*per; k++ {
			e, f := k/per, float64(k%per)/per*side
			x, y := [4]float64{x0 + f, x0 + side, x0 + side - f, x0}[e], [4]float64{y0, y0 + f, y0 + side, y0 + side - f}[e]
			fmt.Fprintf(gw, "[%.7f,%.7f],", x, y)
		}
		fmt.Fprintf(gw, "[%.7f,%.7f]]]}}", x0, y0)
	}
	fmt.Fprint(gw, "]}")
	for _, c := range []interface{ Flush() error }{cw, gw} {
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	csv.Close()
	geo.Close()
	return dir
}

// TestKilledLoadKeepsData kills a load with SIGKILL while its transaction is open and checks that
// the previous data is still what serves, and that the next load works.
func TestKilledLoadKeepsData(t *testing.T) {
	db := pgtest.DB(t, "killed")
	url := pgtest.URL(t, "killed")
	pgtest.Load(t, db, pgtest.FixtureDir(t), "iod2019")
	ctx := context.Background()
	gen, err := db.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	big := writeSyntheticIoD2019(t, 30000)

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "SPATLAS_TEST_MAIN=load\n-force\n-edition\niod2019\n-data\n"+big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the load is inside its transaction, past the bulk copy.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var active bool
		err := db.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
			AND xact_start IS NOT NULL AND query ~ 'stage_(shape|lsoa|parent)|INSERT INTO (lsoa|area)')`).Scan(&active)
		if err != nil {
			t.Fatal(err)
		}
		if active {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the load never reached its transaction")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	if g, _ := db.Generation(ctx); g != gen {
		t.Errorf("generation %d -> %d after a killed load", gen, g)
	}
	page, err := db.Features(ctx, spatlas.FeatureQuery{Collection: spatlas.MustCollection("iod2019-lsoa"), Limit: 10})
	if err != nil || page.NumberMatched != 9 {
		t.Errorf("after a killed load: %d features, %v; want the previous 9", page.NumberMatched, err)
	}
	// The killed load's backend notices its client is gone and rolls back, freeing the edition's
	// lock; a new load then goes through.
	lctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	env := map[string]string{"DATABASE_URL": url, "SPATLAS_LOG_LEVEL": "warn"}
	var out strings.Builder
	err = run(lctx, []string{"load", "-force", "-edition", "iod2019", "-data", pgtest.FixtureDir(t)},
		func(k string) string { return env[k] }, strings.NewReader(""), &out, &out)
	if err != nil {
		t.Fatalf("load after the killed one: %v\n%s", err, out.String())
	}
	if g, _ := db.Generation(ctx); g <= gen {
		t.Errorf("the load after the killed one did not commit (generation %d -> %d)", gen, g)
	}
	if !strings.Contains(out.String(), "iod2019: loaded 9 LSOAs, 2 LADs") {
		t.Errorf("load printed:\n%s", out.String())
	}
}
