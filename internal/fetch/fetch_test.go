package fetch

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

// testFetcher returns a Fetcher that retries without noticeable waits and logs to the test.
func testFetcher(tb testing.TB) *Fetcher {
	tb.Helper()
	return &Fetcher{
		Client:   &http.Client{Timeout: 10 * time.Second},
		Attempts: 3,
		Backoff:  time.Millisecond,
	}
}

// dataset returns a valid dataset entry of the given files.
func dataset(name string, files ...File) Dataset {
	return Dataset{
		Name: name, Title: name, Publisher: "Test Publisher", Licence: "OGL v3.0",
		Attribution: "Contains test data", LandingPage: "https://example.org/" + name, Files: files,
	}
}

// manifest returns a manifest of the datasets and fails the test if it would not load.
func manifest(tb testing.TB, ds ...Dataset) Manifest {
	tb.Helper()
	m := Manifest{Version: 1, Datasets: ds}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	got, err := LoadManifest(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("test manifest does not load: %v", err)
	}
	return got
}

// server serves fixed bodies by path and counts the requests of each path.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newServer(tb testing.TB, h func(w http.ResponseWriter, r *http.Request, hit int)) *server {
	tb.Helper()
	s := &server{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		hit := s.hits[r.URL.Path]
		s.mu.Unlock()
		h(w, r, hit)
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func gunzipFile(tb testing.TB, name string) []byte {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s is not gzip: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return b
}

func zipBytes(tb testing.TB, members map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// dirNames lists the names in dir, dot files included.
func dirNames(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readFetched(tb testing.TB, dir string) fetchedRecord {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FetchedFile))
	if err != nil {
		tb.Fatal(err)
	}
	var rec fetchedRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		tb.Fatalf("%s: %v", FetchedFile, err)
	}
	return rec
}

func TestFetchURL(t *testing.T) {
	csvBody := []byte("LSOA code (2011),Index of Multiple Deprivation (IMD) Rank\r\nE01000001,\"29,199\"\r\n")
	gzBody := testenv.Gzip(t, csvBody)
	zipBody := zipBytes(t, map[string]string{
		"census2021-ts001-msoa.csv":        "msoa\n",
		"data/census2021-ts001-lsoa.csv":   string(csvBody),
		"census2021-ts001-lsoa-extras.csv": "no\n",
	})
	tests := []struct {
		name    string
		served  []byte
		file    File          // URL filled in
		want    []byte        // content after gunzip when the name ends in .gz
		wantRaw func() []byte // when set, the exact bytes on disk
	}{
		{name: "saved as served", served: csvBody, file: File{Name: "File_7.csv"}, want: csvBody,
			wantRaw: func() []byte { return csvBody }},
		{name: "gzipped on write", served: csvBody, file: File{Name: "File_7.csv.gz"}, want: csvBody},
		{name: "gzip served to a .gz name is not compressed twice", served: gzBody, file: File{Name: "File_7.csv.gz"}, want: csvBody,
			wantRaw: func() []byte { return gzBody }},
		{name: "checksum matches", served: csvBody, file: File{Name: "File_7.csv", SHA256: sum(csvBody)}, want: csvBody},
		{name: "zip member, gzipped", served: zipBody, file: File{Name: "census.csv.gz", Extract: "census2021-ts001-lsoa.csv"}, want: csvBody},
		{name: "zip member, plain", served: zipBody, file: File{Name: "census.csv", Extract: "census2021-ts001-lsoa.csv"}, want: csvBody,
			wantRaw: func() []byte { return csvBody }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) { w.Write(tt.served) })
			file := tt.file
			file.URL = srv.URL + "/media/abc/" + file.Name
			m := manifest(t, dataset("imd2019", file))
			dataDir := t.TempDir()

			rep, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			dir := filepath.Join(dataDir, "imd2019")
			target := filepath.Join(dir, file.Name)
			raw, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			got := raw
			if strings.HasSuffix(file.Name, ".gz") {
				got = gunzipFile(t, target)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			if tt.wantRaw != nil && !bytes.Equal(raw, tt.wantRaw()) {
				t.Errorf("bytes on disk differ from the expected %d bytes (got %d)", len(tt.wantRaw()), len(raw))
			}
			if len(rep.Files) != 1 {
				t.Fatalf("report has %d files, want 1: %+v", len(rep.Files), rep.Files)
			}
			fr := rep.Files[0]
			if fr.Status != StatusFetched || fr.Dataset != "imd2019" || fr.File != file.Name || fr.Bytes != int64(len(raw)) || fr.SHA256 != sum(raw) {
				t.Errorf("report = %+v, want fetched %s with %d bytes, sha256 %s", fr, file.Name, len(raw), sum(raw))
			}
			rec := readFetched(t, dir)
			if rec.Dataset != "imd2019" || len(rec.Files) != 1 {
				t.Fatalf("FETCHED.json = %+v", rec)
			}
			if e := rec.Files[0]; e.Name != file.Name || e.URL != file.URL || e.SHA256 != sum(raw) || e.Bytes != int64(len(raw)) || e.FetchedAt.IsZero() {
				t.Errorf("FETCHED.json entry = %+v, want url %s, sha256 %s, %d bytes, a time", e, file.URL, sum(raw), len(raw))
			}
			if fi, err := os.Stat(target); err != nil {
				t.Error(err)
			} else if fi.Mode().Perm() != 0o644 {
				t.Errorf("file mode = %v, want 0644", fi.Mode().Perm())
			}
			if names := dirNames(t, dir); len(names) != 2 {
				t.Errorf("dataset folder holds %q, want only the file and %s", names, FetchedFile)
			}
		})
	}
}

func TestFetchSkipsPresentFilesUnlessForced(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		io.WriteString(w, "version "+string(rune('0'+hit)))
	})
	m := manifest(t, dataset("imd2025", File{Name: "File_7.csv", URL: srv.URL + "/File_7.csv"}))
	dataDir := t.TempDir()
	target := filepath.Join(dataDir, "imd2025", "File_7.csv")
	f := testFetcher(t)

	tests := []struct {
		name       string
		force      bool
		wantStatus string
		wantHits   int
		wantBody   string
	}{
		{name: "first fetch downloads", wantStatus: StatusFetched, wantHits: 1, wantBody: "version 1"},
		{name: "second fetch skips", wantStatus: StatusSkipped, wantHits: 1, wantBody: "version 1"},
		{name: "forced fetch downloads again", force: true, wantStatus: StatusFetched, wantHits: 2, wantBody: "version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.Force = tt.force
			rep, err := f.Fetch(context.Background(), m, dataDir, []string{"imd2025"})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Files) != 1 || rep.Files[0].Status != tt.wantStatus {
				t.Fatalf("report = %+v, want one file %s", rep.Files, tt.wantStatus)
			}
			if got := srv.count("/File_7.csv"); got != tt.wantHits {
				t.Errorf("server got %d requests, want %d", got, tt.wantHits)
			}
			b, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.wantBody {
				t.Errorf("file holds %q, want %q", b, tt.wantBody)
			}
			if rep.Files[0].SHA256 != sum(b) || rep.Files[0].Bytes != int64(len(b)) {
				t.Errorf("report sha256/bytes = %s/%d, want %s/%d", rep.Files[0].SHA256, rep.Files[0].Bytes, sum(b), len(b))
			}
		})
	}
}

func TestFetchKeepsFoldersItDidNotFill(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) { io.WriteString(w, "official") })
	m := manifest(t, dataset("imd2019", File{Name: "File_7.csv", URL: srv.URL + "/File_7.csv"}))
	dataDir := t.TempDir()
	dir := filepath.Join(dataDir, "imd2019")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "File_1_-_IMD2019.csv.gz"), []byte("shared copy"), 0o644); err != nil {
		t.Fatal(err)
	}

	rep, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || rep.Files[0].Status != StatusKept {
		t.Fatalf("report = %+v, want the dataset kept", rep.Files)
	}
	if srv.count("/File_7.csv") != 0 || exists(filepath.Join(dir, "File_7.csv")) {
		t.Errorf("a folder the user filled was fetched into")
	}

	f := testFetcher(t)
	f.Force = true
	if _, err := f.Fetch(context.Background(), m, dataDir, nil); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(dir, "File_7.csv")) {
		t.Errorf("forced fetch did not download into the user's folder")
	}
}

// arcgisServer serves the features of testdata/layer.geojson as an ArcGIS FeatureServer layer
// at /rest/services/Test/FeatureServer/0. maxRecords > 0 caps a page as a server's
// maxRecordCount does, flagging exceededTransferLimit (at the top level when topLevel).
func arcgisServer(tb testing.TB, maxRecords int, topLevel bool) (*server, func() [][2]string) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "layer.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	var layer struct {
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal(b, &layer); err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var pages [][2]string // resultOffset, resultRecordCount of each request
	srv := newServer(tb, func(w http.ResponseWriter, r *http.Request, hit int) {
		if r.URL.Path != "/rest/services/Test/FeatureServer/0/query" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		mu.Lock()
		pages = append(pages, [2]string{q.Get("resultOffset"), q.Get("resultRecordCount")})
		mu.Unlock()
		if q.Get("f") != "geojson" || q.Get("outSR") != "4326" {
			io.WriteString(w, `{"error":{"code":400,"message":"test server wants f=geojson and outSR=4326"}}`)
			return
		}
		offset, err := strconv.Atoi(q.Get("resultOffset"))
		if err != nil {
			offset = 0
		}
		count, err := strconv.Atoi(q.Get("resultRecordCount"))
		if err != nil {
			count = 1000
		}
		exceeded := false
		if maxRecords > 0 && count > maxRecords {
			count = maxRecords
		}
		end := min(offset+count, len(layer.Features))
		if maxRecords > 0 && end < len(layer.Features) {
			exceeded = true
		}
		feats := []map[string]any{}
		fields := strings.Split(q.Get("outFields"), ",")
		for _, f := range layer.Features[min(offset, len(layer.Features)):end] {
			props := map[string]any{}
			for k, v := range f["properties"].(map[string]any) {
				for _, want := range fields {
					if want == "*" || strings.EqualFold(want, k) {
						props[k] = v
					}
				}
			}
			out := map[string]any{"type": "Feature", "id": f["id"], "properties": props, "geometry": f["geometry"]}
			if q.Get("returnGeometry") == "false" {
				out["geometry"] = nil
			}
			feats = append(feats, out)
		}
		page := map[string]any{"type": "FeatureCollection", "features": feats}
		if exceeded {
			if topLevel {
				page["exceededTransferLimit"] = true
			} else {
				page["properties"] = map[string]any{"exceededTransferLimit": true}
			}
		}
		w.Header().Set("Content-Type", "application/geo+json")
		json.NewEncoder(w).Encode(page)
	})
	return srv, func() [][2]string {
		mu.Lock()
		defer mu.Unlock()
		return append([][2]string(nil), pages...)
	}
}

func TestFetchArcGISGeoJSON(t *testing.T) {
	tests := []struct {
		name       string
		pageSize   int
		maxRecords int
		topLevel   bool
		want       [][2]string
	}{
		{name: "pages of 2", pageSize: 2, want: [][2]string{{"0", "2"}, {"2", "2"}, {"4", "2"}}},
		{name: "last page full, then an empty one", pageSize: 5, want: [][2]string{{"0", "5"}, {"5", "5"}}},
		{name: "server caps pages below the page size", pageSize: 3, maxRecords: 2,
			want: [][2]string{{"0", "3"}, {"2", "3"}, {"4", "3"}}},
		{name: "exceededTransferLimit at the top level", pageSize: 3, maxRecords: 2, topLevel: true,
			want: [][2]string{{"0", "3"}, {"2", "3"}, {"4", "3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, pages := arcgisServer(t, tt.maxRecords, tt.topLevel)
			file := File{Name: "lsoa.geojson.gz", ArcGIS: &ArcGIS{
				Service:   srv.URL + "/rest/services/Test/FeatureServer/0",
				Where:     "LSOA21CD LIKE 'E%'",
				OutFields: []string{"LSOA21CD", "LSOA21NM"},
				PageSize:  tt.pageSize,
			}}
			m := manifest(t, dataset("lsoa2021-boundaries-bgc", file))
			dataDir := t.TempDir()

			rep, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got := pages(); !equalPages(got, tt.want) {
				t.Errorf("requested pages (resultOffset, resultRecordCount) = %v, want %v", got, tt.want)
			}
			dir := filepath.Join(dataDir, "lsoa2021-boundaries-bgc")
			var fc struct {
				Type     string `json:"type"`
				Features []struct {
					Type       string            `json:"type"`
					Geometry   json.RawMessage   `json:"geometry"`
					Properties map[string]string `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(gunzipFile(t, filepath.Join(dir, file.Name)), &fc); err != nil {
				t.Fatalf("merged file is not JSON: %v", err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != 5 {
				t.Fatalf("merged file: type %q with %d features, want a FeatureCollection of 5", fc.Type, len(fc.Features))
			}
			for i, f := range fc.Features {
				want := "E0100000" + string(rune('1'+i))
				if f.Properties["LSOA21CD"] != want || f.Properties["LSOA21NM"] == "" || !bytes.Contains(f.Geometry, []byte("Polygon")) {
					t.Errorf("feature %d = %s %v, want %s with a name and a Polygon", i, f.Geometry, f.Properties, want)
				}
				if _, ok := f.Properties["POP"]; ok {
					t.Errorf("feature %d has POP, which is not in out_fields", i)
				}
			}
			rec := readFetched(t, dir)
			if len(rec.Files) != 1 || rec.Files[0].Features != 5 || !strings.Contains(rec.Files[0].URL, "/FeatureServer/0/query?") || strings.Contains(rec.Files[0].URL, "resultOffset") {
				t.Errorf("FETCHED.json = %+v, want 5 features and the query URL without paging", rec)
			}
			if len(rep.Files) != 1 || rep.Files[0].Status != StatusFetched {
				t.Errorf("report = %+v", rep.Files)
			}
		})
	}
}

func equalPages(a, b [][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFetchArcGISCSV(t *testing.T) {
	srv, pages := arcgisServer(t, 0, false)
	file := File{Name: "lookup_lsoa21_icb24.csv.gz", ArcGIS: &ArcGIS{
		Service:   srv.URL + "/rest/services/Test/FeatureServer/0/",
		OutFields: []string{"LSOA21CD", "icb24cd", "POP"}, // ArcGIS matches field names ignoring case
		PageSize:  2,
		Format:    FormatCSV,
		Columns:   []string{"lsoa21_code", "icb24_code", "population"},
	}}
	m := manifest(t, dataset("geography-lookups", file))
	dataDir := t.TempDir()
	if _, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil); err != nil {
		t.Fatal(err)
	}
	got := string(gunzipFile(t, filepath.Join(dataDir, "geography-lookups", file.Name)))
	want := "lsoa21_code,icb24_code,population\n" +
		"E01000001,E54000050,100\n" +
		"E01000002,E54000051,101\n" +
		"E01000003,E54000052,102\n" +
		"E01000004,E54000053,103\n" +
		"E01000005,,104\n"
	if got != want {
		t.Errorf("CSV =\n%s\nwant\n%s", got, want)
	}
	if n := len(pages()); n != 3 {
		t.Errorf("%d pages requested, want 3", n)
	}
}

func TestFetchArcGISErrorObject(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		io.WriteString(w, `{"error":{"code":400,"message":"Invalid query parameters","details":["'Invalid field: ICB24CDX' parameter is invalid"]}}`)
	})
	m := manifest(t, dataset("geography-lookups", File{Name: "lookup.csv", ArcGIS: &ArcGIS{
		Service: srv.URL + "/FeatureServer/0", OutFields: []string{"ICB24CDX"}, Format: FormatCSV,
	}}))
	dataDir := t.TempDir()
	_, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
	if err == nil {
		t.Fatal("Fetch succeeded on an ArcGIS error object")
	}
	for _, want := range []string{"geography-lookups", "lookup.csv", "Invalid query parameters", "Invalid field: ICB24CDX", srv.URL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if n := srv.count("/FeatureServer/0/query"); n != 1 {
		t.Errorf("a 400 error object was requested %d times, want 1 (not retried)", n)
	}
	if names := dirNames(t, filepath.Join(dataDir, "geography-lookups")); len(names) != 0 {
		t.Errorf("left behind %q", names)
	}
}

func TestFetchRetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name     string
		failures int // requests answered 500 before the file is served
		status   int
		wantHits int
		wantErr  string
	}{
		{name: "500 then success", failures: 1, status: http.StatusInternalServerError, wantHits: 2},
		{name: "429 twice then success", failures: 2, status: http.StatusTooManyRequests, wantHits: 3},
		{name: "503 every time gives up after 3 tries", failures: 99, status: http.StatusServiceUnavailable, wantHits: 3, wantErr: "503"},
		{name: "403 is not retried", failures: 99, status: http.StatusForbidden, wantHits: 1, wantErr: "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit <= tt.failures {
					http.Error(w, "busy", tt.status)
					return
				}
				io.WriteString(w, "data")
			})
			m := manifest(t, dataset("imd2025", File{Name: "f.csv", URL: srv.URL + "/f.csv"}))
			dataDir := t.TempDir()
			_, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
			if got := srv.count("/f.csv"); got != tt.wantHits {
				t.Errorf("%d requests, want %d", got, tt.wantHits)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if b, _ := os.ReadFile(filepath.Join(dataDir, "imd2025", "f.csv")); string(b) != "data" {
					t.Errorf("file holds %q, want %q", b, "data")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one mentioning %s", err, tt.wantErr)
			}
			if exists(filepath.Join(dataDir, "imd2025", "f.csv")) {
				t.Error("a failed download left the file behind")
			}
		})
	}
}

func TestFetchNotFound(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		if strings.HasSuffix(r.URL.Path, "moved.csv") {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	})
	m := manifest(t,
		dataset("imd2019", File{Name: "File_7.csv", URL: srv.URL + "/media/x/moved.csv"}),
		dataset("composite-uk-imd", File{Name: "UK_IMD_E.csv", URL: srv.URL + "/UK_IMD_E.csv"}),
	)
	dataDir := t.TempDir()
	rep, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
	if err == nil {
		t.Fatal("Fetch succeeded on a 404")
	}
	if code := spatlas.ErrorCode(err); code != spatlas.EUNAVAILABLE {
		t.Errorf("code = %s, want %s", code, spatlas.EUNAVAILABLE)
	}
	for _, want := range []string{"imd2019", "File_7.csv", srv.URL + "/media/x/moved.csv", "404"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if n := srv.count("/media/x/moved.csv"); n != 1 {
		t.Errorf("404 requested %d times, want 1", n)
	}
	if names := dirNames(t, filepath.Join(dataDir, "imd2019")); len(names) != 0 {
		t.Errorf("imd2019 folder holds %q after a 404, want nothing", names)
	}
	// The next dataset is still fetched.
	if len(rep.Files) != 1 || rep.Files[0].Dataset != "composite-uk-imd" || rep.Files[0].Status != StatusFetched {
		t.Errorf("report = %+v, want composite-uk-imd fetched after the 404", rep.Files)
	}
}

func TestFetchChecksumMismatch(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) { io.WriteString(w, "changed by the publisher") })
	want := sum([]byte("the file we know"))
	m := manifest(t, dataset("imd2019", File{Name: "File_7.csv.gz", URL: srv.URL + "/File_7.csv", SHA256: want}))
	dataDir := t.TempDir()
	_, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
	if err == nil {
		t.Fatal("Fetch accepted a file with the wrong sha256")
	}
	if code := spatlas.ErrorCode(err); code != spatlas.ECONFLICT {
		t.Errorf("code = %s, want %s", code, spatlas.ECONFLICT)
	}
	for _, s := range []string{"imd2019", "File_7.csv.gz", want, sum([]byte("changed by the publisher"))} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if names := dirNames(t, filepath.Join(dataDir, "imd2019")); len(names) != 0 {
		t.Errorf("dataset folder holds %q after a checksum mismatch, want nothing", names)
	}
}

func TestFetchWithoutNetwork(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more: connection refused

	tests := []struct {
		name string
		file File
	}{
		{name: "direct file", file: File{Name: "File_7.csv", URL: url + "/File_7.csv"}},
		{name: "arcgis layer", file: File{Name: "lsoa.geojson.gz", ArcGIS: &ArcGIS{Service: url + "/FeatureServer/0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := manifest(t,
				dataset("imd2019", tt.file),
				dataset("lsoa2011-boundaries", File{Name: "b.geojson", URL: url + "/b.geojson"}),
			)
			dataDir := t.TempDir()
			rep, err := testFetcher(t).Fetch(context.Background(), m, dataDir, nil)
			if err == nil {
				t.Fatal("Fetch succeeded without a server")
			}
			if code := spatlas.ErrorCode(err); code != spatlas.EUNAVAILABLE {
				t.Errorf("code = %s, want %s", code, spatlas.EUNAVAILABLE)
			}
			msg := spatlas.ErrorMessage(err)
			for _, want := range []string{"dataset imd2019 could not be downloaded", "connection refused", "SPATLAS_DATA", "shared data folders", "spatlas fetch", "internet"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, "lsoa2011-boundaries") || len(rep.Files) != 0 {
				t.Errorf("fetch went on after a network failure: %q, %+v", msg, rep.Files)
			}
			if _, err := os.Stat(filepath.Join(dataDir, "imd2019")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed fetch left the dataset folder behind (%v)", err)
			}
			if got := Missing(m, dataDir, nil); len(got) != 2 {
				t.Errorf("Missing after a failed fetch = %q, want both datasets", got)
			}
		})
	}
}

func TestFetchHonoursContext(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	m := manifest(t, dataset("imd2019", File{Name: "f.csv", URL: srv.URL + "/f.csv"}))
	f := testFetcher(t)
	f.Backoff = time.Hour // a cancelled context must end the wait
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.Fetch(ctx, m, t.TempDir(), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the context's", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Fetch took %s after the context ended", d)
	}
	if strings.Contains(err.Error(), "SPATLAS_DATA") {
		t.Errorf("a cancelled fetch is not a network failure: %v", err)
	}
}

func TestFetchUnknownDataset(t *testing.T) {
	m := manifest(t, dataset("imd2019", File{Name: "f.csv", URL: "https://example.org/f.csv"}))
	_, err := testFetcher(t).Fetch(context.Background(), m, t.TempDir(), []string{"imd2091"})
	if spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), "imd2091") || !strings.Contains(err.Error(), "imd2019") {
		t.Errorf("error = %v, want EINVALID naming imd2091 and the known datasets", err)
	}
}
