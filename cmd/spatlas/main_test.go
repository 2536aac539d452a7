package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// startServer runs "spatlas serve" through run, as main does, on a free port against the
// database at dbURL, and returns its base URL once /healthz answers.
func startServer(t *testing.T, dbURL string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	env := map[string]string{"DATABASE_URL": dbURL, "SPATLAS_LOG_LEVEL": "warn"}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down within 15 s")
		}
	})
	sc := bufio.NewScanner(pr)
	var base string
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "spatlas serving on "); ok {
			base = strings.TrimSuffix(rest, "/")
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatal("serve never printed its address")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp
}

// TestServeRealData runs the server on the real national data and checks what a user sees.
func TestServeRealData(t *testing.T) {
	pgtest.Real(t)
	base := startServer(t, pgtest.URL(t, "real"))

	var ready map[string]any
	if resp := getJSON(t, base+"/readyz", &ready); resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %d %v", resp.StatusCode, ready)
	}
	var cs struct {
		Collections []struct {
			ID      string
			Spatlas struct{ Count int64 } `json:"spatlas"`
		}
	}
	getJSON(t, base+"/ogc/collections", &cs)
	counts := map[string]int64{}
	for _, c := range cs.Collections {
		counts[c.ID] = c.Spatlas.Count
	}
	for id, want := range map[string]int64{"iod2019-lsoa": 32844, "iod2025-lsoa": 33755, "iod2019-lad": 317, "iod2025-lad": 296, "iod2025-icb": 42} {
		if counts[id] != want {
			t.Errorf("%s has %d features, want %d", id, counts[id], want)
		}
	}

	// The benchmark's request: Middlesbrough and around, at zoom 12.
	var fc struct {
		NumberMatched  int64
		NumberReturned int
		Features       []struct {
			ID         string
			Properties map[string]any
		}
	}
	resp := getJSON(t, base+"/ogc/collections/iod2019-lsoa/items?bbox=-1.35,54.50,-1.10,54.62&zoom=12&limit=1000", &fc)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if fc.NumberReturned < 100 || int64(fc.NumberReturned) != fc.NumberMatched {
		t.Errorf("bbox returned %d of %d", fc.NumberReturned, fc.NumberMatched)
	}

	// E01000001 (City of London 001A): IoD2019 rank 29,199, decile 9, mid-2015 population 1,296,
	// score 6.208 from the composite UK IMD file.
	var f struct{ Properties map[string]any }
	getJSON(t, base+"/ogc/collections/iod2019-lsoa/items/E01000001", &f)
	for k, want := range map[string]any{"imd_rank": 29199.0, "imd_decile": 9.0, "population": 1296.0, "imd_score": 6.208, "lad_code": "E09000001"} {
		if f.Properties[k] != want {
			t.Errorf("iod2019 E01000001 %s = %v, want %v", k, f.Properties[k], want)
		}
	}
	getJSON(t, base+"/ogc/collections/iod2025-lsoa/items/E01000001", &f)
	for k, want := range map[string]any{"imd_rank": 26525.0, "imd_decile": 8.0, "imd_score": 8.742, "lad_code": "E09000001", "name": "City of London 001A"} {
		if f.Properties[k] != want {
			t.Errorf("iod2025 E01000001 %s = %v, want %v", k, f.Properties[k], want)
		}
	}

	// Middlesbrough has the highest share of LSOAs in the most deprived decile in IoD2019.
	var lads struct {
		Features []struct {
			ID         string
			Properties map[string]any
		}
	}
	getJSON(t, base+"/ogc/collections/iod2019-lad/items?limit=1000&properties=lsoa_decile1_pct", &lads)
	best, bestPct := "", 0.0
	for _, l := range lads.Features {
		if p, _ := l.Properties["lsoa_decile1_pct"].(float64); p > bestPct {
			best, bestPct = l.ID, p
		}
	}
	if best != "E06000002" {
		t.Errorf("most deprived-decile LAD = %s (%.1f%%), want Middlesbrough E06000002", best, bestPct)
	}
	t.Logf("Middlesbrough lsoa_decile1_pct = %.1f", bestPct)

	var e struct{ Code, Message string }
	if resp := getJSON(t, base+"/ogc/collections/iod2019-lsoa/items?limit=10001", &e); resp.StatusCode != 400 || e.Code == "" {
		t.Errorf("limit=10001: %d %+v", resp.StatusCode, e)
	}
}

// TestMapInBrowser opens the map in headless Chromium (web/e2e, playwright-core) against the real
// server and data: the choropleth renders, an LSOA click opens its popup, the edition switches.
func TestMapInBrowser(t *testing.T) {
	pgtest.Real(t)
	if _, err := os.Stat("../../web/dist/index.html"); err != nil {
		if os.Getenv("SPATLAS_REQUIRE_DB") == "1" {
			t.Fatal("front end not built (make builds it)")
		}
		t.Skip("front end not built: run make")
	}
	base := startServer(t, pgtest.URL(t, "real"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "test")
	cmd.Dir = "../../web"
	cmd.Env = append(os.Environ(), "BASE_URL="+base)
	out, err := cmd.CombinedOutput()
	t.Logf("npm test:\n%s", out)
	if err != nil {
		t.Fatalf("map test failed: %v", err)
	}
	if !strings.Contains(string(out), "# pass 16") {
		t.Errorf("expected 16 passing browser tests")
	}
}
