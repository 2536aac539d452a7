package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

const testHost = "spatlas.test"

// countingService counts the store calls made through it and can move the data generation on.
type countingService struct {
	spatlas.FeatureService
	collections, features, feature, generation atomic.Int64
	bump                                       atomic.Int64
	readyErr                                   error
}

func (s *countingService) Collections(ctx context.Context) ([]spatlas.Collection, error) {
	s.collections.Add(1)
	return s.FeatureService.Collections(ctx)
}

func (s *countingService) Features(ctx context.Context, q spatlas.FeatureQuery) (spatlas.FeaturePage, error) {
	s.features.Add(1)
	return s.FeatureService.Features(ctx, q)
}

func (s *countingService) Feature(ctx context.Context, collection spatlas.Collection, id string, zoom *int, properties []string) ([]byte, error) {
	s.feature.Add(1)
	return s.FeatureService.Feature(ctx, collection, id, zoom, properties)
}

func (s *countingService) Generation(ctx context.Context) (int64, error) {
	s.generation.Add(1)
	g, err := s.FeatureService.Generation(ctx)
	return g + s.bump.Load(), err
}

func (s *countingService) Ready(ctx context.Context) error {
	if s.readyErr != nil {
		return s.readyErr
	}
	return s.FeatureService.Ready(ctx)
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testServer is the real handler over the test store.
type testServer struct {
	handler http.Handler
	svc     *countingService
	clock   *fakeClock
	logs    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestServer builds the handler with the given config over a counting wrapper of the test
// store; cfg.Features, when set, is wrapped instead.
func newTestServer(tb testing.TB, cfg Config) *testServer {
	tb.Helper()
	inner := cfg.Features
	if inner == nil {
		inner = newTestService(tb)
	}
	ts := &testServer{
		svc:   &countingService{FeatureService: inner},
		clock: &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		logs:  &syncBuffer{},
	}
	cfg.Features = ts.svc
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(ts.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ts.handler = newServer(cfg, ts.clock.now)
	return ts
}

// do sends one request to the handler; header holds name, value pairs.
func (ts *testServer) do(tb testing.TB, method, target string, header ...string) *http.Response {
	tb.Helper()
	req := httptest.NewRequest(method, "http://"+testHost+target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec.Result()
}

func (ts *testServer) get(tb testing.TB, target string, header ...string) *http.Response {
	tb.Helper()
	return ts.do(tb, http.MethodGet, target, header...)
}

func readBody(tb testing.TB, res *http.Response) []byte {
	tb.Helper()
	defer res.Body.Close()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			tb.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decodeJSON reads a JSON object body, failing on a wrong status.
func decodeJSON(tb testing.TB, res *http.Response, status int) map[string]any {
	tb.Helper()
	b := readBody(tb, res)
	if res.StatusCode != status {
		tb.Fatalf("%s: status %d, want %d; body %s", res.Request.URL, res.StatusCode, status, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatalf("%s: body is not a JSON object: %v\n%s", res.Request.URL, err, b)
	}
	return m
}

// linksByRel indexes a links array by rel.
func linksByRel(tb testing.TB, m map[string]any) map[string]map[string]any {
	tb.Helper()
	arr, ok := m["links"].([]any)
	if !ok {
		tb.Fatalf("no links array in %v", m)
	}
	out := map[string]map[string]any{}
	for _, l := range arr {
		lm := l.(map[string]any)
		out[lm["rel"].(string)] = lm
	}
	return out
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t, Config{})
	m := decodeJSON(t, ts.get(t, "/healthz"), http.StatusOK)
	if m["status"] != "ok" {
		t.Errorf("status = %v, want ok", m["status"])
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name     string
		readyErr error
		status   int
		message  string
	}{
		{"ready", nil, http.StatusOK, ""},
		{"application error", spatlas.Errorf(spatlas.EUNAVAILABLE, "no edition loaded: run spatlas load"), http.StatusServiceUnavailable, "no edition loaded: run spatlas load"},
		{"other error", errors.New("dial tcp: connection refused"), http.StatusServiceUnavailable, "not ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Config{})
			ts.svc.readyErr = tt.readyErr
			res := ts.get(t, "/readyz")
			if ct := res.Header.Get("Content-Type"); ct != mediaJSON {
				t.Errorf("Content-Type = %q", ct)
			}
			m := decodeJSON(t, res, tt.status)
			if tt.status == http.StatusOK {
				if m["status"] != "ok" {
					t.Errorf("body %v", m)
				}
				return
			}
			if m["code"] != spatlas.EUNAVAILABLE || m["message"] != tt.message {
				t.Errorf("body %v, want code %s message %q", m, spatlas.EUNAVAILABLE, tt.message)
			}
			if strings.Contains(tt.message, "not ready") && strings.Contains(m["message"].(string), "dial") {
				t.Errorf("internal detail leaked: %v", m)
			}
		})
	}
}

func TestConfigEndpoint(t *testing.T) {
	ts := newTestServer(t, Config{TileURL: "https://tiles.example/{z}/{x}/{y}.png", TileAttribution: "© example", Version: "v1.2.3"})
	res := ts.get(t, "/api/config")
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q", got)
	}
	m := decodeJSON(t, res, http.StatusOK)
	if m["tile_url"] != "https://tiles.example/{z}/{x}/{y}.png" || m["tile_attribution"] != "© example" || m["version"] != "v1.2.3" {
		t.Errorf("config = %v", m)
	}
}

func TestLandingPage(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, target := range []string{"/ogc", "/ogc/", "/ogc?f=json"} {
		t.Run(target, func(t *testing.T) {
			res := ts.get(t, target)
			if ct := res.Header.Get("Content-Type"); ct != mediaJSON {
				t.Errorf("Content-Type = %q", ct)
			}
			m := decodeJSON(t, res, http.StatusOK)
			if m["title"] == "" || m["description"] == "" {
				t.Errorf("title/description missing: %v", m)
			}
			links := linksByRel(t, m)
			want := map[string][2]string{
				"self":         {"http://" + testHost + "/ogc", mediaJSON},
				"service-desc": {"http://" + testHost + "/ogc/api", mediaOpenAPI},
				"conformance":  {"http://" + testHost + "/ogc/conformance", mediaJSON},
				"data":         {"http://" + testHost + "/ogc/collections", mediaJSON},
			}
			for rel, w := range want {
				l, ok := links[rel]
				if !ok {
					t.Errorf("no %s link", rel)
					continue
				}
				if l["href"] != w[0] || l["type"] != w[1] {
					t.Errorf("%s link = %v, want href %s type %s", rel, l, w[0], w[1])
				}
			}
		})
	}
}

func TestConformance(t *testing.T) {
	ts := newTestServer(t, Config{})
	m := decodeJSON(t, ts.get(t, "/ogc/conformance"), http.StatusOK)
	got, _ := m["conformsTo"].([]any)
	for _, want := range []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	} {
		if !slices.Contains(got, any(want)) {
			t.Errorf("conformsTo %v lacks %s", got, want)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	ts := newTestServer(t, Config{Version: "v9"})
	res := ts.get(t, "/ogc/api")
	if ct := res.Header.Get("Content-Type"); ct != mediaOpenAPI {
		t.Errorf("Content-Type = %q, want %q", ct, mediaOpenAPI)
	}
	doc := decodeJSON(t, res, http.StatusOK)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	if v := doc["info"].(map[string]any)["version"]; v != "v9" {
		t.Errorf("info.version = %v", v)
	}
	if s := doc["servers"].([]any)[0].(map[string]any)["url"]; s != "http://"+testHost+"/ogc" {
		t.Errorf("servers[0].url = %v", s)
	}
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/", "/conformance", "/api", "/collections", "/collections/{collectionId}"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("path %s missing", p)
		}
	}
	params := doc["components"].(map[string]any)["parameters"].(map[string]any)
	// The collections as the server describes them.
	described := map[string][]any{}
	for _, c := range decodeJSON(t, ts.get(t, "/ogc/collections"), http.StatusOK)["collections"].([]any) {
		cm := c.(map[string]any)
		described[cm["id"].(string)] = cm["spatlas"].(map[string]any)["properties"].([]any)
	}
	for _, c := range []string{"iod2019-lsoa", "iod2019-lad"} {
		t.Run(c, func(t *testing.T) {
			items, ok := paths["/collections/"+c+"/items"].(map[string]any)
			if !ok {
				t.Fatalf("no items path for %s", c)
			}
			if _, ok := paths["/collections/"+c+"/items/{featureId}"]; !ok {
				t.Errorf("no item path for %s", c)
			}
			get := items["get"].(map[string]any)
			names := map[string]string{} // name -> schema type
			for _, p := range get["parameters"].([]any) {
				pm := p.(map[string]any)
				if r, ok := pm["$ref"].(string); ok {
					pm = params[strings.TrimPrefix(r, "#/components/parameters/")].(map[string]any)
				}
				typ, _ := pm["schema"].(map[string]any)["type"].(string)
				names[pm["name"].(string)] = typ
			}
			for _, n := range []string{"bbox", "limit", "offset", "properties", "zoom"} {
				if _, ok := names[n]; !ok {
					t.Errorf("parameter %s missing", n)
				}
			}
			queryables := 0
			for _, p := range described[c] {
				pm := p.(map[string]any)
				name, want := pm["name"].(string), pm["type"].(string)
				typ, ok := names[name]
				if pm["queryable"] == true {
					queryables++
					if !ok || typ != want {
						t.Errorf("queryable %s: parameter listed %v with type %q, want %q", name, ok, typ, want)
					}
				} else if ok && name != "properties" {
					t.Errorf("non-queryable %s listed as a parameter", name)
				}
			}
			if queryables == 0 {
				t.Errorf("%s has no queryable properties", c)
			}
			ok200 := get["responses"].(map[string]any)["200"].(map[string]any)
			if _, ok := ok200["content"].(map[string]any)[mediaGeoJSON]; !ok {
				t.Errorf("items 200 response is not %s: %v", mediaGeoJSON, ok200)
			}
		})
	}
}

func TestCollections(t *testing.T) {
	ts := newTestServer(t, Config{})
	m := decodeJSON(t, ts.get(t, "/ogc/collections"), http.StatusOK)
	if l := linksByRel(t, m)["self"]; l["href"] != "http://"+testHost+"/ogc/collections" {
		t.Errorf("self link %v", l)
	}
	found := map[string]map[string]any{}
	for _, c := range m["collections"].([]any) {
		cm := c.(map[string]any)
		found[cm["id"].(string)] = cm
	}
	for _, id := range []string{"iod2019-lsoa", "iod2019-lad"} {
		t.Run(id, func(t *testing.T) {
			c, ok := found[id]
			if !ok {
				t.Fatalf("collection %s not listed", id)
			}
			checkCollection(t, id, c)
		})
	}
}

func checkCollection(t *testing.T, id string, c map[string]any) {
	t.Helper()
	if c["itemType"] != "feature" {
		t.Errorf("itemType = %v", c["itemType"])
	}
	if crs, _ := c["crs"].([]any); len(crs) != 1 || crs[0] != crs84 {
		t.Errorf("crs = %v", c["crs"])
	}
	spatial := c["extent"].(map[string]any)["spatial"].(map[string]any)
	bbox := spatial["bbox"].([]any)
	if len(bbox) != 1 || len(bbox[0].([]any)) != 4 || spatial["crs"] != crs84 {
		t.Errorf("extent.spatial = %v", spatial)
	}
	links := linksByRel(t, c)
	self := "http://" + testHost + "/ogc/collections/" + id
	if links["self"]["href"] != self || links["items"]["href"] != self+"/items" || links["items"]["type"] != mediaGeoJSON {
		t.Errorf("links = %v", links)
	}
	ext := c["spatlas"].(map[string]any)
	edition, level, _ := spatlas.ParseCollectionID(id)
	if ext["edition"] != edition || ext["level"] != level {
		t.Errorf("spatlas extension = %v", ext)
	}
	if n, _ := ext["count"].(float64); n < 1 {
		t.Errorf("count = %v", ext["count"])
	}
	// Editions may publish fewer properties (scores only when loaded); those listed must agree
	// with the level's definitions, and the code and name are always there.
	published := map[string]spatlas.Property{}
	for _, p := range spatlas.LevelProperties(level) {
		published[p.Name] = p
	}
	listed := map[string]bool{}
	for _, p := range ext["properties"].([]any) {
		pm := p.(map[string]any)
		name, _ := pm["name"].(string)
		want, ok := published[name]
		if !ok || pm["type"] != want.Type || pm["queryable"] != want.Queryable || pm["description"] == "" {
			t.Errorf("property %v, want %+v", pm, want)
		}
		listed[name] = true
	}
	for _, name := range []string{"code", "name"} {
		if !listed[name] {
			t.Errorf("property %s not listed", name)
		}
	}
}

func TestCollection(t *testing.T) {
	ts := newTestServer(t, Config{})
	c := decodeJSON(t, ts.get(t, "/ogc/collections/iod2019-lsoa"), http.StatusOK)
	if c["id"] != "iod2019-lsoa" {
		t.Errorf("id = %v", c["id"])
	}
	checkCollection(t, "iod2019-lsoa", c)
}

// checkError asserts a JSON error response with the given status and message fragment.
func checkError(t *testing.T, res *http.Response, status int, code, message string) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != mediaJSON {
		t.Errorf("Content-Type = %q, want %q", ct, mediaJSON)
	}
	if et := res.Header.Get("Etag"); et != "" {
		t.Errorf("error response has ETag %s", et)
	}
	m := decodeJSON(t, res, status)
	if m["code"] != code {
		t.Errorf("code = %v, want %s", m["code"], code)
	}
	if msg, _ := m["message"].(string); !strings.Contains(msg, message) {
		t.Errorf("message = %q, want it to contain %q", msg, message)
	}
}

func TestItemsBadParameters(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	tests := []struct {
		name, query, message string
	}{
		{"bbox three numbers", "bbox=1,2,3", "bbox must be 4 comma-separated numbers"},
		{"bbox five numbers", "bbox=1,2,3,4,5", "bbox must be 4 comma-separated numbers"},
		{"bbox 3D", "bbox=1,2,0,3,4,10", "3D bbox not supported"},
		{"bbox empty", "bbox=", "bbox must be 4 comma-separated numbers"},
		{"bbox not a number", "bbox=a,2,3,4", `bbox: "a" is not a number`},
		{"bbox NaN", "bbox=NaN,2,3,4", `bbox: "NaN" is not a number`},
		{"bbox infinite", "bbox=-Inf,2,3,4", `bbox: "-Inf" is not a number`},
		{"bbox min lon", "bbox=-181,0,0,1", "longitude -181 is outside -180..180"},
		{"bbox max lon", "bbox=0,0,180.5,1", "longitude 180.5 is outside -180..180"},
		{"bbox min lat", "bbox=0,-91,1,1", "latitude -91 is outside -90..90"},
		{"bbox max lat", "bbox=0,0,1,90.1", "latitude 90.1 is outside -90..90"},
		{"bbox inverted lon", "bbox=2,0,1,1", "minimum longitude 2 is greater than maximum 1"},
		{"bbox inverted lat", "bbox=0,2,1,1", "minimum latitude 2 is greater than maximum 1"},
		{"bbox-crs other", "bbox=0,0,1,1&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/27700", `unsupported bbox-crs "http://www.opengis.net/def/crs/EPSG/0/27700"`},
		{"limit zero", "limit=0", `limit must be an integer from 1 to 10000, got "0"`},
		{"limit negative", "limit=-5", `limit must be an integer from 1 to 10000, got "-5"`},
		{"limit not a number", "limit=ten", `limit must be an integer from 1 to 10000, got "ten"`},
		{"limit fraction", "limit=1.5", `limit must be an integer from 1 to 10000, got "1.5"`},
		{"limit empty", "limit=", `limit must be an integer from 1 to 10000, got ""`},
		{"limit above maximum", "limit=10001", `limit must be an integer from 1 to 10000, got "10001"`},
		{"limit huge", "limit=99999999999999999999", `limit must be an integer from 1 to 10000`},
		{"offset negative", "offset=-1", `offset must be an integer of 0 or more, got "-1"`},
		{"offset not a number", "offset=x", `offset must be an integer of 0 or more, got "x"`},
		{"properties unknown", "properties=code,colour", `properties: unknown property "colour"`},
		{"properties empty name", "properties=code,,name", "properties: empty property name"},
		{"zoom above 22", "zoom=23", `zoom must be an integer from 0 to 22, got "23"`},
		{"zoom negative", "zoom=-1", `zoom must be an integer from 0 to 22, got "-1"`},
		{"zoom not a number", "zoom=z", `zoom must be an integer from 0 to 22, got "z"`},
		{"integer filter not a number", "imd_decile=one", `imd_decile must be an integer, got "one"`},
		{"integer filter fraction", "imd_decile=1.5", `imd_decile must be an integer, got "1.5"`},
		{"filter on non-queryable property", "name=City", `property "name" of iod2019-lsoa cannot be used as a filter`},
		{"unknown parameter", "colour=red", `unknown query parameter "colour" (allowed: bbox, bbox-crs, datetime, f, limit, offset, properties, zoom, and the queryable properties code, lad_code`},
		{"format html", "f=html", `unsupported format f="html" (supported: json)`},
		{"repeated parameter", "limit=1&limit=2", `parameter "limit" is given 2 times`},
		{"malformed escape", "bbox=%zz", "malformed query string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.svc.features.Load()
			res := ts.get(t, "/ogc/collections/iod2019-lsoa/items?"+tt.query)
			checkError(t, res, http.StatusBadRequest, spatlas.EINVALID, tt.message)
			if ts.svc.features.Load() != before {
				t.Errorf("a bad request reached the store")
			}
		})
	}
}

func TestItemsGoodParameters(t *testing.T) {
	ts := newTestServer(t, Config{})
	tests := []struct {
		name, query string
	}{
		{"none", ""},
		{"limit maximum", "limit=10000"},
		{"limit minimum", "limit=1"},
		{"offset zero", "offset=0"},
		{"zoom 0", "zoom=0"},
		{"zoom 22", "zoom=22"},
		{"world bbox", "bbox=-180,-90,180,90"},
		{"point bbox", "bbox=-0.1,51.5,-0.1,51.5"},
		{"bbox with crs", "bbox=-180,-90,180,90&bbox-crs=" + url.QueryEscape(crs84)},
		{"properties", "properties=code,imd_decile"},
		{"no properties", "properties="},
		{"integer filter", "imd_decile=1"},
		{"string filter", "lad_code=E09000001"},
		{"format json", "f=json"},
		{"offset beyond the end", "offset=100000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/ogc/collections/iod2019-lsoa/items?"+tt.query)
			if ct := res.Header.Get("Content-Type"); ct != mediaGeoJSON {
				t.Errorf("Content-Type = %q", ct)
			}
			m := decodeJSON(t, res, http.StatusOK)
			feats, ok := m["features"].([]any)
			if !ok || m["type"] != "FeatureCollection" {
				t.Fatalf("not a FeatureCollection: %v", m)
			}
			if n := m["numberReturned"].(float64); int(n) != len(feats) {
				t.Errorf("numberReturned %v, %d features", n, len(feats))
			}
			if _, err := time.Parse(time.RFC3339, m["timeStamp"].(string)); err != nil {
				t.Errorf("timeStamp: %v", err)
			}
		})
	}
}

// items fetches a page and returns its body and features.
func items(t *testing.T, ts *testServer, target string, header ...string) (map[string]any, []map[string]any) {
	t.Helper()
	m := decodeJSON(t, ts.get(t, target, header...), http.StatusOK)
	var feats []map[string]any
	for _, f := range m["features"].([]any) {
		feats = append(feats, f.(map[string]any))
	}
	return m, feats
}

func TestItemsContent(t *testing.T) {
	ts := newTestServer(t, Config{})
	const path = "/ogc/collections/iod2019-lsoa/items"

	m, feats := items(t, ts, path+"?bbox=-180,-90,180,90")
	if len(feats) < 3 || m["numberMatched"].(float64) < 3 {
		t.Fatalf("want at least 3 features in the world, got %d of %v", len(feats), m["numberMatched"])
	}

	_, limited := items(t, ts, path+"?limit=2")
	if len(limited) != 2 {
		t.Errorf("limit=2 returned %d features", len(limited))
	}

	_, one := items(t, ts, path+"?code=E01000001")
	if len(one) != 1 || one[0]["id"] != "E01000001" {
		t.Fatalf("code=E01000001 returned %v", one)
	}
	decile, ok := one[0]["properties"].(map[string]any)["imd_decile"].(float64)
	if !ok || decile != float64(int(decile)) {
		t.Fatalf("imd_decile of E01000001 is %v, want an integer", one[0]["properties"])
	}

	_, same := items(t, ts, path+"?limit=10000&imd_decile="+strconv.Itoa(int(decile)))
	if len(same) == 0 {
		t.Errorf("imd_decile=%d matched nothing", int(decile))
	}
	for _, f := range same {
		if got := f["properties"].(map[string]any)["imd_decile"]; got != decile {
			t.Errorf("imd_decile=%d returned %s with decile %v", int(decile), f["id"], got)
		}
	}

	_, sel := items(t, ts, path+"?limit=3&properties=imd_decile,code")
	for _, f := range sel {
		props := f["properties"].(map[string]any)
		if len(props) != 2 || props["code"] == nil || props["imd_decile"] == nil {
			t.Errorf("properties=imd_decile,code gave %v", props)
		}
	}
}

func TestItemsLinks(t *testing.T) {
	ts := newTestServer(t, Config{})
	const path = "/ogc/collections/iod2019-lsoa/items"
	m, _ := items(t, ts, path+"?bbox=-180,-90,180,90")
	matched := int(m["numberMatched"].(float64))
	base := "http://" + testHost + path

	tests := []struct {
		name     string
		query    string
		header   []string
		self     string
		next     string // "" = absent
		prev     string
		wantBase string
	}{
		{
			name: "first page", query: "bbox=-180,-90,180,90&limit=1",
			self: base + "?bbox=-180,-90,180,90&limit=1",
			next: base + "?bbox=-180%2C-90%2C180%2C90&limit=1&offset=1",
		},
		{
			name: "middle page keeps other parameters", query: "limit=1&offset=1&zoom=12&properties=code",
			next: base + "?limit=1&offset=2&properties=code&zoom=12",
			prev: base + "?limit=1&properties=code&zoom=12",
		},
		{
			name: "prev does not go below zero", query: "limit=5&offset=2",
			prev: base + "?limit=5",
			next: func() string {
				if matched > 7 {
					return base + "?limit=5&offset=7"
				}
				return ""
			}(),
		},
		{
			name: "last page", query: "bbox=-180,-90,180,90&limit=1&offset=" + strconv.Itoa(matched-1),
			prev: base + "?bbox=-180%2C-90%2C180%2C90&limit=1&offset=" + strconv.Itoa(matched-2),
		},
		{
			name: "largest page", query: "bbox=-180,-90,180,90&limit=10000",
			next: func() string {
				if matched > 10000 {
					return base + "?bbox=-180%2C-90%2C180%2C90&limit=10000&offset=10000"
				}
				return ""
			}(),
		},
		{
			name: "https behind a proxy", query: "limit=1", header: []string{"X-Forwarded-Proto", "https"},
			self: "https://" + testHost + path + "?limit=1",
			next: "https://" + testHost + path + "?limit=1&offset=1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := items(t, ts, path+"?"+tt.query, tt.header...)
			links := linksByRel(t, m)
			for rel, l := range links {
				href := l["href"].(string)
				u, err := url.Parse(href)
				if err != nil || !u.IsAbs() || u.Host != testHost {
					t.Errorf("%s link %q is not absolute on %s", rel, href, testHost)
				}
			}
			if tt.self != "" && links["self"]["href"] != tt.self {
				t.Errorf("self = %v, want %s", links["self"]["href"], tt.self)
			}
			if links["self"]["type"] != mediaGeoJSON {
				t.Errorf("self type = %v", links["self"]["type"])
			}
			for rel, want := range map[string]string{"next": tt.next, "prev": tt.prev} {
				l, ok := links[rel]
				switch {
				case want == "" && ok:
					t.Errorf("unexpected %s link %v", rel, l["href"])
				case want != "" && !ok:
					t.Errorf("no %s link, want %s", rel, want)
				case want != "" && l["href"] != want:
					t.Errorf("%s = %v, want %s", rel, l["href"], want)
				}
			}
		})
	}
}

func TestItem(t *testing.T) {
	ts := newTestServer(t, Config{})
	res := ts.get(t, "/ogc/collections/iod2019-lsoa/items/E01000001")
	if ct := res.Header.Get("Content-Type"); ct != mediaGeoJSON {
		t.Errorf("Content-Type = %q", ct)
	}
	f := decodeJSON(t, res, http.StatusOK)
	if f["type"] != "Feature" || f["id"] != "E01000001" || f["geometry"] == nil {
		t.Errorf("feature = %v", f)
	}
	d, ok := f["properties"].(map[string]any)["imd_decile"].(float64)
	if !ok || d != float64(int(d)) || d < 1 || d > 10 {
		t.Errorf("imd_decile = %v", f["properties"].(map[string]any)["imd_decile"])
	}
	links := linksByRel(t, f)
	if links["self"]["href"] != "http://"+testHost+"/ogc/collections/iod2019-lsoa/items/E01000001" ||
		links["collection"]["href"] != "http://"+testHost+"/ogc/collections/iod2019-lsoa" {
		t.Errorf("links = %v", links)
	}

	sel := decodeJSON(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items/E01000001?properties=code&zoom=10"), http.StatusOK)
	if props := sel["properties"].(map[string]any); len(props) != 1 || props["code"] != "E01000001" {
		t.Errorf("properties=code gave %v", props)
	}

	checkError(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items/E01000001?limit=1"), http.StatusBadRequest, spatlas.EINVALID,
		`unknown query parameter "limit" (allowed: f, properties, zoom)`)
	checkError(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items/E01000001?zoom=30"), http.StatusBadRequest, spatlas.EINVALID, "zoom must be")
}

func TestNotFound(t *testing.T) {
	ts := newTestServer(t, Config{})
	tests := []struct {
		name, target, message string
	}{
		{"unknown collection", "/ogc/collections/iod1999-lsoa", `collection "iod1999-lsoa" not found`},
		{"items of unknown collection", "/ogc/collections/nope/items", `collection "nope" not found`},
		{"item of unknown collection", "/ogc/collections/nope/items/E01000001", `collection "nope" not found`},
		{"unknown feature", "/ogc/collections/iod2019-lsoa/items/E99999999", "E99999999"},
		{"unknown ogc route", "/ogc/tiles", "no such resource: /ogc/tiles"},
		{"unknown api route", "/api/nothing", "no such resource: /api/nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, ts.get(t, tt.target), http.StatusNotFound, spatlas.ENOTFOUND, tt.message)
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	ts := newTestServer(t, Config{})
	checkError(t, ts.do(t, http.MethodPost, "/ogc/collections"), http.StatusMethodNotAllowed, spatlas.EINVALID, "method POST not allowed")
}

func TestOtherEndpointsRejectUnknownParameters(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, p := range []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/iod2019-lad"} {
		t.Run(p, func(t *testing.T) {
			checkError(t, ts.get(t, p+"?foo=1"), http.StatusBadRequest, spatlas.EINVALID, `unknown query parameter "foo" (allowed: f)`)
			checkError(t, ts.get(t, p+"?f=xml"), http.StatusBadRequest, spatlas.EINVALID, `unsupported format f="xml"`)
		})
	}
}

func TestContentTypesAndHeaders(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	tests := []struct {
		target, ctype string
		cors          bool
	}{
		{"/ogc", mediaJSON, true},
		{"/ogc/conformance", mediaJSON, true},
		{"/ogc/api", mediaOpenAPI, true},
		{"/ogc/collections", mediaJSON, true},
		{"/ogc/collections/iod2019-lad", mediaJSON, true},
		{"/ogc/collections/iod2019-lad/items", mediaGeoJSON, true},
		{"/ogc/collections/iod2019-lsoa/items/E01000001", mediaGeoJSON, true},
		{"/api/config", mediaJSON, true},
		{"/healthz", mediaJSON, false},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := ts.get(t, tt.target)
			body := readBody(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", ct, tt.ctype)
			}
			if !json.Valid(body) {
				t.Errorf("body is not JSON: %.200s", body)
			}
			if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %q, body %d bytes", cl, len(body))
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); (got == "*") != tt.cors {
				t.Errorf("Access-Control-Allow-Origin = %q", got)
			}
			if strings.HasPrefix(tt.target, "/ogc") {
				if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=60" {
					t.Errorf("Cache-Control = %q", cc)
				}
				if res.Header.Get("Etag") == "" {
					t.Errorf("no ETag")
				}
			}
		})
	}
}

func TestCORSPreflight(t *testing.T) {
	ts := newTestServer(t, Config{})
	res := ts.do(t, http.MethodOptions, "/ogc/collections", "Origin", "http://example.org", "Access-Control-Request-Method", "GET")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
	}
}

func TestHead(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	srv := httptest.NewServer(ts.handler)
	defer srv.Close()
	for _, p := range []string{"/healthz", "/ogc", "/ogc/collections/iod2019-lsoa/items?limit=2", "/ogc/collections/iod2019-lsoa/items?limit=2"} {
		t.Run(p, func(t *testing.T) {
			res, err := http.Head(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			b := readBody(t, res)
			if res.StatusCode != http.StatusOK || len(b) != 0 {
				t.Errorf("HEAD %s: status %d, %d body bytes", p, res.StatusCode, len(b))
			}
			if res.ContentLength <= 0 {
				t.Errorf("HEAD %s: Content-Length %d", p, res.ContentLength)
			}
		})
	}
}

func TestGzip(t *testing.T) {
	for _, cacheBytes := range []int64{0, 1 << 20} {
		t.Run("cache "+strconv.FormatInt(cacheBytes, 10), func(t *testing.T) {
			ts := newTestServer(t, Config{CacheBytes: cacheBytes})
			const target = "/ogc/collections/iod2019-lsoa/items?limit=3"
			plain := ts.get(t, target)
			pb := readBody(t, plain)
			for i := range 2 { // a miss, then (with the cache) a hit
				res := ts.get(t, target, "Accept-Encoding", "gzip, deflate")
				if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
					t.Fatalf("request %d: Content-Encoding %q, Vary %q", i, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
				}
				gb := readBody(t, res)
				if cacheBytes > 0 && !bytes.Equal(gb, pb) {
					t.Errorf("request %d: gzip body differs from identity body", i)
				}
				if !json.Valid(gb) {
					t.Errorf("request %d: gzip body is not JSON", i)
				}
				if cacheBytes > 0 && res.Header.Get("Etag") == plain.Header.Get("Etag") {
					t.Errorf("gzip and identity forms share ETag %s", res.Header.Get("Etag"))
				}
			}
			if res := ts.get(t, target, "Accept-Encoding", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("gzip;q=0 got Content-Encoding %q", res.Header.Get("Content-Encoding"))
			}
		})
	}
}

func TestWeb(t *testing.T) {
	built := fstest.MapFS{
		"index.html":    {Data: []byte("<!doctype html><title>spatlas map</title>")},
		"assets/app.js": {Data: []byte("console.log('map')")},
	}
	tests := []struct {
		name   string
		fs     fstest.MapFS
		target string
		status int
		body   string
	}{
		{name: "index", fs: built, target: "/", status: http.StatusOK, body: "spatlas map"},
		{name: "asset", fs: built, target: "/assets/app.js", status: http.StatusOK, body: "console.log"},
		{name: "missing asset", fs: built, target: "/assets/nope.js", status: http.StatusNotFound},
		{name: "no directory listing", fs: built, target: "/assets/", status: http.StatusNotFound},
		{name: "not built", fs: fstest.MapFS{}, target: "/", status: http.StatusServiceUnavailable, body: "front end not built: run make"},
		{name: "no front end at all", fs: nil, target: "/", status: http.StatusServiceUnavailable, body: "front end not built: run make"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{}
			if tt.fs != nil {
				cfg.Web = tt.fs
			}
			ts := newTestServer(t, cfg)
			res := ts.get(t, tt.target)
			b := readBody(t, res)
			if res.StatusCode != tt.status || !strings.Contains(string(b), tt.body) {
				t.Errorf("status %d body %q, want %d containing %q", res.StatusCode, b, tt.status, tt.body)
			}
		})
	}
}

// failingService fails the way a store can.
type failingService struct {
	spatlas.FeatureService
	err      error
	panicMsg string
}

func (s failingService) Features(ctx context.Context, q spatlas.FeatureQuery) (spatlas.FeaturePage, error) {
	if s.panicMsg != "" {
		panic(s.panicMsg)
	}
	return spatlas.FeaturePage{}, s.err
}

func TestStoreErrors(t *testing.T) {
	tests := []struct {
		name      string
		svc       failingService
		status    int
		code, msg string
		logged    string
		notShown  string
	}{
		{name: "invalid", svc: failingService{err: spatlas.Errorf(spatlas.EINVALID, "bad filter")}, status: 400, code: spatlas.EINVALID, msg: "bad filter"},
		{name: "not found", svc: failingService{err: spatlas.Errorf(spatlas.ENOTFOUND, "gone")}, status: 404, code: spatlas.ENOTFOUND, msg: "gone"},
		{name: "conflict", svc: failingService{err: spatlas.Errorf(spatlas.ECONFLICT, "loading")}, status: 409, code: spatlas.ECONFLICT, msg: "loading"},
		{name: "unavailable", svc: failingService{err: spatlas.Errorf(spatlas.EUNAVAILABLE, "database unreachable")}, status: 503, code: spatlas.EUNAVAILABLE, msg: "database unreachable"},
		{name: "internal", svc: failingService{err: errors.New(`ERROR: column "secret" does not exist (SQLSTATE 42703)`)}, status: 500, code: spatlas.EINTERNAL, msg: "internal error",
			logged: "SQLSTATE 42703", notShown: "SQLSTATE"},
		{name: "wrapped application error", svc: failingService{err: errors.Join(errors.New("query"), spatlas.Errorf(spatlas.EINVALID, "bbox too large"))}, status: 400, code: spatlas.EINVALID, msg: "bbox too large"},
		{name: "panic", svc: failingService{panicMsg: "nil map write"}, status: 500, code: spatlas.EINTERNAL, msg: "internal error", logged: "nil map write", notShown: "nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.svc.FeatureService = newTestService(t)
			ts := newTestServer(t, Config{Features: tt.svc, CacheBytes: 1 << 20})
			res := ts.get(t, "/ogc/collections/iod2019-lsoa/items")
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
			}
			b := readBody(t, res)
			res.Body = io.NopCloser(bytes.NewReader(b))
			checkError(t, res, tt.status, tt.code, tt.msg)
			if tt.notShown != "" && bytes.Contains(b, []byte(tt.notShown)) {
				t.Errorf("internal detail %q shown to the client: %s", tt.notShown, b)
			}
			if tt.logged != "" && !strings.Contains(ts.logs.String(), tt.logged) {
				t.Errorf("log lacks %q:\n%s", tt.logged, ts.logs.String())
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	ts := newTestServer(t, Config{})
	readBody(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=1"))
	log := ts.logs.String()
	for _, want := range []string{"method=GET", "path=/ogc/collections/iod2019-lsoa/items", "status=200", "bytes=", "duration=", "request_id="} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %q:\n%s", want, log)
		}
	}
}

func TestSpliceLinks(t *testing.T) {
	links := []byte(`[{"href":"x","rel":"self"}]`)
	tests := []struct{ name, in, want string }{
		{"object", `{"type":"Feature","id":"a"}`, `{"type":"Feature","id":"a","links":[{"href":"x","rel":"self"}]}` + "\n"},
		{"trailing space", "{\"id\":\"a\"}\n ", `{"id":"a","links":[{"href":"x","rel":"self"}]}` + "\n"},
		{"empty object", `{ }`, `{ "links":[{"href":"x","rel":"self"}]}` + "\n"},
		{"not an object", `[1]`, `[1]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(spliceLinks([]byte(tt.in), links))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.name != "not an object" && !json.Valid([]byte(got)) {
				t.Errorf("result is not JSON: %s", got)
			}
		})
	}
}

func TestQueryables(t *testing.T) {
	ts := httptest.NewServer(New(Config{Features: newTestService(t)}))
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/ogc/collections/iod2019-lsoa/queryables")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != mediaSchema {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var s struct {
		Properties map[string]struct{ Type string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.Properties["imd_decile"].Type != "integer" || s.Properties["lad_code"].Type != "string" {
		t.Errorf("queryables = %+v", s.Properties)
	}
	if _, ok := s.Properties["imd_score"]; ok {
		t.Error("imd_score is not queryable but is listed")
	}
	resp2, err := http.Get(ts.URL + "/ogc/collections/nope/queryables")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Errorf("unknown collection: %d", resp2.StatusCode)
	}
}

// TestTextTheDatabaseCannotHold checks that ids and filter values that are not valid UTF-8 or
// hold a NUL are client errors, not database errors surfacing as 500s.
func TestTextTheDatabaseCannotHold(t *testing.T) {
	ts := httptest.NewServer(New(Config{Features: newTestService(t)}))
	defer ts.Close()
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/ogc/collections/iod2019-lsoa/items/E01000001%00", 404},
		{"/ogc/collections/iod2019-lsoa/items/%ff", 404},
		{"/ogc/collections/iod2019-lsoa/items?code=a%00b", 400},
		{"/ogc/collections/iod2019-lsoa/items?lad_code=%ff", 400},
	} {
		resp, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.path, resp.StatusCode, tt.want)
		}
	}
}
