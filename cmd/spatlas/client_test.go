package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// needTool returns the path of a command the test needs, skipping without it (failing under
// SPATLAS_REQUIRE_DB=1, where CI has installed it).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("SPATLAS_REQUIRE_DB") == "1" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// TestOGCClient reads the API with GDAL's OGC API - Features driver, a real client: it must see
// every collection, the right counts, and page through a whole collection.
func TestOGCClient(t *testing.T) {
	ogrinfo, ogr2ogr := needTool(t, "ogrinfo"), needTool(t, "ogr2ogr")
	pgtest.Real(t)
	base := startServer(t, pgtest.URL(t, "real"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	src := "OAPIF:" + base + "/ogc"

	out, err := exec.CommandContext(ctx, ogrinfo, "-ro", src).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, id := range []string{"iod2019-lsoa", "iod2019-lad", "iod2025-lsoa", "iod2025-lad", "iod2025-icb"} {
		if !strings.Contains(string(out), id+" (") {
			t.Errorf("ogrinfo does not list %s:\n%s", id, out)
		}
	}
	out, err = exec.CommandContext(ctx, ogrinfo, "-ro", "-so", src, "iod2025-icb").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: 42") || !strings.Contains(string(out), "imd_avg_rank: Real") {
		t.Errorf("ogrinfo iod2025-icb: %v\n%s", err, out)
	}

	// ogr2ogr pages through all 317 districts with the next links.
	dst := filepath.Join(t.TempDir(), "lad.geojson")
	if out, err := exec.CommandContext(ctx, ogr2ogr, "-f", "GeoJSON", dst, src, "iod2019-lad").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 317 {
		t.Errorf("ogr2ogr copied %d districts, want 317", len(fc.Features))
	}
}
