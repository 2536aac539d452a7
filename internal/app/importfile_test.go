package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/readers"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/taxonomy"
)

func testProvision(tb testing.TB) Provision {
	tb.Helper()
	tx, err := taxonomy.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	return Provision{Taxonomy: tx}
}

// checkBuckets checks that every row read ends in exactly one list.
func checkBuckets(tb testing.TB, im *spatlas.Import) {
	tb.Helper()
	if n := len(im.Assets) + len(im.Services) + len(im.Rejected) + len(im.Unlocated) + len(im.Excluded); n != im.RowsRead {
		tb.Errorf("%d rows read, %d accounted for", im.RowsRead, n)
	}
}

func TestReadFile(t *testing.T) {
	p := testProvision(t)
	services := readers.Options{Kind: spatlas.KindServices, Dataset: "local-services"}
	for _, tc := range []struct {
		file     string
		rows     int
		services int
	}{
		{"services.csv", 6, 4},
		{"services.geojson", 6, 5},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("..", "linkworkers", "testdata", tc.file)
			im, err := p.ReadFile(path, services, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkBuckets(t, im)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			want := spatlas.SourceFile{Dataset: "local-services", File: tc.file, SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(raw)), Rows: int64(tc.rows)}
			if im.Source != want || im.File != tc.file || len(im.Services) != tc.services || im.Kind != spatlas.KindServices {
				t.Errorf("source %+v, file %q, %d services, kind %q; want %+v, %d services", im.Source, im.File, len(im.Services), im.Kind, want, tc.services)
			}
		})
	}
	t.Run("gzipped GeoJSON", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join("..", "linkworkers", "testdata", "services.geojson"))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "services.geojson.gz")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		im, err := p.ReadFile(path, readers.Options{Kind: spatlas.KindServices, Dataset: "d"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if im.File != "services.geojson.gz" || im.RowsRead != 6 || im.Source.Bytes != int64(b.Len()) {
			t.Errorf("file %q, rows %d, source %+v", im.File, im.RowsRead, im.Source)
		}
	})
	if _, err := p.ReadFile(filepath.Join("..", "linkworkers", "testdata", "no-such-file.csv"), services, nil); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
}

// TestReadFileByContent reads asset files whatever their names say: an Open Referral UK file
// named .dat, a CSV named .txt; the provenance given is kept.
func TestReadFileByContent(t *testing.T) {
	p := testProvision(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		from, to string
		assets   int
	}{
		{"oruk-page.json", "directory.dat", 1},
		{"assets.csv", "assets.txt", 1},
		{"osmtogeojson.geojson", "export.json", 1},
	} {
		t.Run(tc.to, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "readers", "testdata", tc.from))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.to)
			if err := os.WriteFile(path, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			src := spatlas.SourceFile{SHA256: "given", Bytes: 7}
			im, err := p.ReadFile(path, readers.Options{Dataset: "local-assets"}, &src)
			if err != nil {
				t.Fatal(err)
			}
			checkBuckets(t, im)
			if len(im.Assets) != tc.assets || im.Kind != spatlas.KindAssets || im.Source.SHA256 != "given" || im.Source.File != tc.to {
				t.Errorf("%d assets, kind %q, source %+v", len(im.Assets), im.Kind, im.Source)
			}
			for _, a := range im.Assets {
				if a.Category == "" {
					t.Errorf("row %d has no category", a.Row)
				}
			}
		})
	}
}

func TestImportRequestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  ImportRequest
		want string
	}{
		{"ok", ImportRequest{Dataset: "d", Source: "a.csv"}, ""},
		{"services csv", ImportRequest{Dataset: "d", Kind: spatlas.KindServices, Format: "csv"}, ""},
		{"no dataset", ImportRequest{Source: "a.csv"}, "-dataset is required"},
		{"bad kind", ImportRequest{Dataset: "d", Kind: "things"}, `-kind "things"`},
		{"bad format", ImportRequest{Dataset: "d", Format: "kml"}, `-format "kml": assets files are auto, csv, geojson, osm, overpass, oruk, oruk-api`},
		{"services from an API", ImportRequest{Dataset: "d", Kind: spatlas.KindServices, Format: FormatORUKAPI}, `services files are auto, csv, geojson`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Check()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Check = %v, want %q", err, tc.want)
			}
		})
	}
}

// fakeImportStore records what Import loads.
type fakeImportStore struct{ im *spatlas.Import }

func (s *fakeImportStore) LoadImport(_ context.Context, im *spatlas.Import) (*spatlas.ProvisionReport, error) {
	s.im = im
	return &spatlas.ProvisionReport{Dataset: im.Dataset, File: im.File, RowsRead: im.RowsRead, Loaded: len(im.Assets)}, nil
}

func (s *fakeImportStore) SetCategories(context.Context, []spatlas.CategoryCount) error { return nil }

// TestImportWarns reports a file whose names and types are in properties no preset knows, and
// reads it right once -columns names them.
func TestImportWarns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parks.geojson")
	doc := `{"type": "FeatureCollection", "features": [
	  {"type": "Feature", "properties": {"SITE": "Eaton Park", "KIND": "Park"}, "geometry": {"type": "Point", "coordinates": [1.263, 52.616]}},
	  {"type": "Feature", "properties": {"SITE": "Wensum Park", "KIND": "Park"}, "geometry": {"type": "Point", "coordinates": [1.279, 52.642]}}]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	p := testProvision(t)
	store := &fakeImportStore{}
	rep, err := Import(context.Background(), store, p, ImportRequest{Source: path, Dataset: "parks"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0], `"KIND", "SITE"`) {
		t.Errorf("warnings %q", rep.Warnings)
	}
	req := ImportRequest{Source: path, Dataset: "parks", Mapping: tabular.Mapping{Name: "SITE", Category: "KIND"}}
	if rep, err = Import(context.Background(), store, p, req, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 || store.im.Assets[0].Name != "Eaton Park" || store.im.Assets[0].Category != "green-space" {
		t.Errorf("warnings %q, first asset %+v", rep.Warnings, store.im.Assets[0])
	}
}
