package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
	"github.com/spatlas/spatlas/web"
)

// request sends one request from the client address remote, with the given body length
// announced (-1: chunked).
func (ts *testServer) request(tb testing.TB, method, target, remote string, contentLength int64) *http.Response {
	tb.Helper()
	var body io.Reader
	if contentLength != 0 {
		body = strings.NewReader(strings.Repeat("x", 100))
	}
	req := httptest.NewRequest(method, "http://"+testHost+target, body)
	req.ContentLength = contentLength
	if contentLength < 0 {
		req.TransferEncoding = []string{"chunked"}
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec.Result()
}

func TestRequestWithBodyRefused(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20, Web: fstest.MapFS{"index.html": {Data: []byte("map")}}})
	tests := []struct {
		name, method, target string
		length               int64
		status               int
	}{
		{"GET with Content-Length", http.MethodGet, "/readyz", 100, http.StatusBadRequest},
		{"GET chunked", http.MethodGet, "/ogc/collections", -1, http.StatusBadRequest},
		{"HEAD with Content-Length", http.MethodHead, "/api/config", 100, http.StatusBadRequest},
		{"GET of the map with a body", http.MethodGet, "/", 100, http.StatusBadRequest},
		{"GET without a body", http.MethodGet, "/readyz", 0, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.request(t, tt.method, tt.target, "", tt.length)
			b := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, b)
			}
			if tt.status == http.StatusBadRequest {
				if res.Header.Get("Connection") != "close" || res.Header.Get("Content-Type") != mediaJSON {
					t.Errorf("Connection %q, Content-Type %q; want close and JSON", res.Header.Get("Connection"), res.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// TestBodyNeverSentIsRefusedAtOnce sends, on a raw socket, headers announcing a body that never
// comes: the answer must not wait for it. (net/http then waits, up to the read timeout, for the
// body before it closes the connection, with no handler or database connection held.)
func TestBodyNeverSentIsRefusedAtOnce(t *testing.T) {
	ts := newTestServer(t, Config{})
	srv := httptest.NewServer(ts.handler)
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer within a second: %v", err)
	}
	b := readBody(t, res)
	if res.StatusCode != http.StatusBadRequest || !res.Close {
		t.Errorf("status %d, close %v: %s; want 400 closing the connection", res.StatusCode, res.Close, b)
	}
}

// TestPoolAcquisitionBounded holds the only connection of a pool: a request needing one gets 503
// with Retry-After once the acquire timeout has passed, not a hang.
func TestPoolAcquisitionBounded(t *testing.T) {
	pgtest.Fixture(t)
	ctx := context.Background()
	db, err := postgis.Open(ctx, pgtest.URL(t, "fixture"), slog.New(slog.DiscardHandler),
		postgis.Options{MaxConns: 1, AcquireTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, Config{Features: db})
	for _, target := range []string{"/readyz", "/ogc/collections"} {
		start := time.Now()
		res := ts.get(t, target)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v", target, d)
		}
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", target)
		}
		checkError(t, res, http.StatusServiceUnavailable, spatlas.EUNAVAILABLE, "")
	}
	conn.Release()
	if res := ts.get(t, "/readyz"); res.StatusCode != http.StatusOK {
		t.Errorf("/readyz after release: %d", res.StatusCode)
	}
}

func TestRetryAfterOn503(t *testing.T) {
	unavailable := failingService{err: spatlas.Errorf(spatlas.EUNAVAILABLE, "database unreachable")}
	unavailable.FeatureService = newTestService(t)
	ts := newTestServer(t, Config{Features: unavailable})
	ts.svc.readyErr = spatlas.Errorf(spatlas.EUNAVAILABLE, "no edition loaded yet")
	notBuilt := newTestServer(t, Config{Web: fstest.MapFS{}})
	tests := []struct {
		name string
		ts   *testServer
		path string
	}{
		{"readyz", ts, "/readyz"},
		{"items", ts, "/ogc/collections/iod2019-lsoa/items"},
		{"map not built", notBuilt, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.ts.get(t, tt.path)
			readBody(t, res)
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
			}
		})
	}
}

// TestConditionalRequestsNeedAValidRequest: If-None-Match never turns an invalid request or a
// missing resource into a 304.
func TestConditionalRequestsNeedAValidRequest(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	valid := ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=2")
	readBody(t, valid)
	tests := []struct {
		target, inm string
		status      int
	}{
		{"/ogc/nosuch", "*", http.StatusNotFound},
		{"/ogc/collections/nosuch", "*", http.StatusNotFound},
		{"/ogc/collections/nosuch/items", "*", http.StatusNotFound},
		{"/ogc/collections/iod2019-lsoa/items/E99999999", "*", http.StatusNotFound},
		{"/ogc/collections/iod2019-lsoa/items?limit=0", "*", http.StatusBadRequest},
		{"/ogc/collections/iod2019-lsoa/items?limit=0", valid.Header.Get("Etag"), http.StatusBadRequest},
		{"/ogc/collections/iod2019-lsoa/items/E01000001", "*", http.StatusNotModified},
		{"/ogc/collections/iod2019-lsoa/items?limit=2", valid.Header.Get("Etag"), http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := ts.get(t, tt.target, "If-None-Match", tt.inm)
			b := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, b)
			}
			if tt.status >= 400 && (res.Header.Get("Etag") != "" || res.Header.Get("Cache-Control") != "no-store") {
				t.Errorf("error with ETag %q, Cache-Control %q", res.Header.Get("Etag"), res.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, Config{Web: web.Dist(), TileURL: "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
	for _, target := range []string{"/", "/app.js", "/healthz", "/api/config", "/ogc", "/ogc/nosuch"} {
		res := ts.get(t, target)
		readBody(t, res)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "img-src 'self' data: https://*.tile.example.org;"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q allows unsafe sources", target, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: nosniff %q, X-Frame-Options %q, Referrer-Policy %q", target,
				h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"), h.Get("Referrer-Policy"))
		}
	}
}

// TestMapSatisfiesCSP checks that the built map needs nothing the CSP forbids: no inline script
// or style, no event handler attributes.
func TestMapSatisfiesCSP(t *testing.T) {
	b, err := fs.ReadFile(web.Dist(), "index.html")
	if err != nil {
		t.Skip("front end not built")
	}
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]`), // a script with inline text
		regexp.MustCompile(`(?i)<script(?:\s+(?:type|defer|async)(?:="[^"]*")?)*\s*>`),
		regexp.MustCompile(`(?i)<style`),
		regexp.MustCompile(`(?i)\sstyle=`),
		regexp.MustCompile(`(?i)\son[a-z]+=`),
		regexp.MustCompile(`(?i)javascript:`),
	}
	for _, re := range forbidden {
		if m := re.Find(b); m != nil {
			t.Errorf("index.html has %q, which the CSP forbids", m)
		}
	}
}

func TestTileSource(t *testing.T) {
	tests := []struct{ name, url, want string }{
		{"none", "", ""},
		{"subdomain template", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"},
		{"plain host", "https://tiles.example.com/{z}/{x}/{y}.png", "https://tiles.example.com"},
		{"port", "http://localhost:8081/{z}/{x}/{y}.png", "http://localhost:8081"},
		{"template inside the host", "https://tiles-{s}.example.com/{z}/{x}/{y}.png", "https:"},
		{"not http", "ftp://example.com/{z}", ""},
		{"no scheme", "tiles.example.com/{z}", ""},
		{"injection", "https://a.example.com;script-src *", "https:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tileSource(tt.url); got != tt.want {
				t.Errorf("tileSource(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ name, in, want string }{
		{"short", "abc", "abc"},
		{"exactly the limit", strings.Repeat("a", maxEcho), strings.Repeat("a", maxEcho)},
		{"long, multibyte", long, strings.Repeat("é", maxEcho) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in); got != tt.want {
				t.Errorf("clip = %q (%d bytes)", got, len(got))
			}
		})
	}
}

// TestErrorMessagesCapEchoedInput: a 100 KB bad value gives a short 400, not a 100 KB one.
func TestErrorMessagesCapEchoedInput(t *testing.T) {
	ts := newTestServer(t, Config{})
	big := strings.Repeat("9", 100_000)
	for _, target := range []string{
		"/ogc/collections/iod2019-lsoa/items?limit=" + big,
		"/ogc/collections/iod2019-lsoa/items?bbox=" + big,
		"/ogc/collections/iod2019-lsoa/items?" + big + "=1",
		"/ogc/collections/" + big,
		"/ogc/" + big,
	} {
		res := ts.get(t, target)
		b := readBody(t, res)
		if res.StatusCode/100 != 4 || len(b) > 3000 || !strings.Contains(string(b), "…") {
			t.Errorf("%.60s…: status %d, %d bytes; want a 4xx under 3000 bytes ending the echo with …", target, res.StatusCode, len(b))
		}
	}
}

func TestWebServesOnlyTheMap(t *testing.T) {
	built := fstest.MapFS{
		"index.html":       {Data: []byte("map")},
		".gitkeep":         {Data: []byte{}},
		".git/config":      {Data: []byte("[core]")},
		"assets/.hidden":   {Data: []byte("secret")},
		"assets/app.js":    {Data: []byte("js")},
		"assets/.cfg/a.js": {Data: []byte("js")},
	}
	ts := newTestServer(t, Config{Web: built})
	for target, status := range map[string]int{
		"/":                 http.StatusOK,
		"/assets/app.js":    http.StatusOK,
		"/.gitkeep":         http.StatusNotFound,
		"/.git/config":      http.StatusNotFound,
		"/assets/.hidden":   http.StatusNotFound,
		"/assets/.cfg/a.js": http.StatusNotFound,
	} {
		res := ts.get(t, target)
		readBody(t, res)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", target, res.StatusCode, status)
		}
	}
	// The embedded front end carries a .gitkeep; it is not served.
	real := newTestServer(t, Config{Web: web.Dist()})
	if res := real.get(t, "/.gitkeep"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/.gitkeep of the built map: status %d, want 404", res.StatusCode)
	}
}

func TestLoadReportsRejectBadDataset(t *testing.T) {
	db := pgtest.Fixture(t)
	ts := newTestServer(t, Config{Features: db, Provision: db})
	for _, q := range []string{"dataset=%00", "dataset=%ff", "dataset=" + strings.Repeat("a", 300)} {
		checkError(t, ts.get(t, "/api/load-reports?"+q), http.StatusBadRequest, spatlas.EINVALID, "dataset")
	}
	if res := ts.get(t, "/api/load-reports?dataset=assets"); res.StatusCode != http.StatusOK {
		t.Errorf("dataset=assets: status %d", res.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	ts := newTestServer(t, Config{RateLimit: 1, RateBurst: 2})
	const a, b = "198.51.100.1:1000", "198.51.100.2:1000"
	get := func(target, remote string) *http.Response {
		res := ts.request(t, http.MethodGet, target, remote, 0)
		readBody(t, res)
		return res
	}
	for i := range 2 {
		if res := get("/api/config", a); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: status %d", i, res.StatusCode)
		}
	}
	res := get("/ogc", a)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Errorf("over the limit: status %d, Retry-After %q; want 429 with 1", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := get("/api/config", b); res.StatusCode != http.StatusOK {
		t.Errorf("another client: status %d", res.StatusCode)
	}
	if res := get("/healthz", a); res.StatusCode != http.StatusOK {
		t.Errorf("/healthz is limited: status %d", res.StatusCode)
	}
	ts.clock.advance(time.Second)
	if res := get("/api/config", a); res.StatusCode != http.StatusOK {
		t.Errorf("a second later: status %d", res.StatusCode)
	}
}

func TestRateLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newRateLimiter(2, 3, clock.now)
	tests := []struct {
		name    string
		advance time.Duration
		key     string
		ok      bool
		wait    time.Duration
	}{
		{"burst 1", 0, "a", true, 0},
		{"burst 2", 0, "a", true, 0},
		{"burst 3", 0, "a", true, 0},
		{"empty", 0, "a", false, 500 * time.Millisecond},
		{"other key", 0, "b", true, 0},
		{"refilled one", 500 * time.Millisecond, "a", true, 0},
		{"empty again", 0, "a", false, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		clock.advance(tt.advance)
		ok, wait := l.allow(tt.key)
		if ok != tt.ok || wait != tt.wait {
			t.Errorf("%s: allow = %v, %v; want %v, %v", tt.name, ok, wait, tt.ok, tt.wait)
		}
	}
	clock.advance(time.Minute)
	l.allow("c")
	if n := len(l.buckets); n != 1 {
		t.Errorf("after a minute, %d buckets kept; want only the new one", n)
	}
	if newRateLimiter(0, 10, clock.now) != nil {
		t.Error("rate 0 gave a limiter")
	}
}

func TestAccessLogAndMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	ts := newTestServer(t, Config{CacheBytes: 1 << 20, Metrics: reg})
	for range 2 {
		readBody(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=1"))
	}
	readBody(t, ts.get(t, "/ogc/nosuch"))
	log := ts.logs.String()
	for _, want := range []string{"client=192.0.2.1", "route=/ogc/collections/{collectionId}/items", "status=200", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %q:\n%s", want, log)
		}
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`spatlas_http_request_duration_seconds_count{method="GET",route="/ogc/collections/{collectionId}/items",status="200"} 2`,
		`spatlas_http_request_duration_seconds_count{method="GET",route="/ogc/*",status="404"} 1`,
		"spatlas_cache_hits_total 1",
		"spatlas_cache_misses_total 1",
		"spatlas_cache_entries 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// slowDownload is a store whose download is large and records when its query has ended.
type slowDownload struct {
	spatlas.AnalysisService
	done chan struct{}
}

func (s *slowDownload) Download(ctx context.Context, q spatlas.DownloadQuery, w io.Writer) error {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<12)
	for range 200 { // 12.5 MiB: beyond the spool's memory and any socket buffer
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
	close(s.done)
	return nil
}

// TestStalledReaderDoesNotHoldTheStore asks for a large download and never reads it: the store's
// query must still end at once.
func TestStalledReaderDoesNotHoldTheStore(t *testing.T) {
	db := pgtest.Fixture(t)
	store := &slowDownload{AnalysisService: db, done: make(chan struct{})}
	ts := newTestServer(t, Config{Features: db, Analysis: store})
	srv := httptest.NewServer(ts.handler)
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	_, _ = io.WriteString(c, "GET /api/download/iod2019/lsoa.csv HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case <-store.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the download's query is still running while its client does not read")
	}
}

func TestSpool(t *testing.T) {
	for _, n := range []int{0, 1000, spoolMemory + 1000} {
		var sp spool
		want := bytes.Repeat([]byte{'z'}, n)
		for p := want; len(p) > 0; {
			k := min(len(p), 4096)
			if _, err := sp.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
		var got bytes.Buffer
		if _, err := sp.WriteTo(&got); err != nil || !bytes.Equal(got.Bytes(), want) || sp.Len() != int64(n) {
			t.Errorf("%d bytes: got %d bytes, Len %d, err %v", n, got.Len(), sp.Len(), err)
		}
		name := ""
		if sp.file != nil {
			name = sp.file.Name()
		}
		if err := sp.Close(); err != nil {
			t.Error(err)
		}
		if name != "" {
			if _, err := os.Stat(name); err == nil {
				t.Errorf("temporary file %s left behind", name)
			}
		}
	}
}
