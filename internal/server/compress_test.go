package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzhttp"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// TestCompressionEveryRoute checks that /api, /ogc and the front end are gzipped by the same
// path for a client that takes gzip, and left alone for one that does not.
func TestCompressionEveryRoute(t *testing.T) {
	db := fixtureAnalysisServer(t).svc.FeatureService
	ts := newTestServer(t, Config{Features: db, Provision: db.(spatlas.ProvisionService), Analysis: db.(spatlas.AnalysisService),
		CacheBytes: 1 << 20, Web: fstest.MapFS{"index.html": {Data: bytes.Repeat([]byte("<p>spatlas map</p>\n"), 200)}}})
	for _, target := range []string{"/api/dictionary", "/ogc/collections/iod2019-lsoa/items?limit=3", "/ogc/collections/iod2019-lsoa/items?limit=3", "/"} {
		t.Run(target, func(t *testing.T) {
			res := ts.get(t, target, "Accept-Encoding", "gzip")
			b := readBody(t, res)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q", res.Header.Get("Vary"))
			}
			plain := ts.get(t, target)
			pb := readBody(t, plain)
			if plain.Header.Get("Content-Encoding") != "" || !bytes.Equal(pb, b) {
				t.Errorf("identity response: Content-Encoding %q, same body %v", plain.Header.Get("Content-Encoding"), bytes.Equal(pb, b))
			}
		})
	}
}

// generationService is a store that knows only its generation.
type generationService struct{ spatlas.FeatureService }

func (generationService) Generation(context.Context) (int64, error) { return 1, nil }

// TestCacheHitNotCompressed checks that the compressor runs on a miss only: a hit writes the
// gzip form stored from the miss, byte for byte.
func TestCacheHitNotCompressed(t *testing.T) {
	var compressions atomic.Int64
	gz := newCompressor()
	counting := func(next http.Handler) http.Handler {
		inner := gz(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			compressions.Add(1)
			inner.ServeHTTP(w, r)
		})
	}
	body := bytes.Repeat([]byte(`{"type":"Feature","geometry":null,"properties":{"code":"E01000001"}},`), 1000)
	var handled atomic.Int64
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		writeBytes(w, http.StatusOK, mediaGeoJSON, body)
	})
	gens := newGenerations(generationService{}, time.Second, time.Now)
	h := ogcResponses(newCache(16<<20), gens, counting, newGzipPool(), "v1")(page)

	get := func(ae string) (*http.Response, []byte) {
		req := httptest.NewRequest(http.MethodGet, "http://"+testHost+"/ogc/collections/x/items", nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result(), rec.Body.Bytes()
	}
	miss, raw := get("gzip")
	if miss.Header.Get("X-Cache") != "MISS" || miss.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("miss: X-Cache %q, Content-Encoding %q", miss.Header.Get("X-Cache"), miss.Header.Get("Content-Encoding"))
	}
	for _, ae := range []string{"gzip", "deflate, gzip"} {
		hit, hitRaw := get(ae)
		if hit.Header.Get("X-Cache") != "HIT" || hit.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(hitRaw, raw) {
			t.Errorf("%s: X-Cache %q, Content-Encoding %q, same gzip bytes as the miss %v", ae, hit.Header.Get("X-Cache"), hit.Header.Get("Content-Encoding"), bytes.Equal(hitRaw, raw))
		}
		if hit.Header.Get("Etag") != miss.Header.Get("Etag") {
			t.Errorf("%s: ETag %q, miss %q", ae, hit.Header.Get("Etag"), miss.Header.Get("Etag"))
		}
	}
	// The identity form was kept from the same miss.
	plain, plainRaw := get("")
	if plain.Header.Get("X-Cache") != "HIT" || plain.Header.Get("Content-Encoding") != "" || !bytes.Equal(plainRaw, body) {
		t.Errorf("identity: X-Cache %q, Content-Encoding %q, same body %v", plain.Header.Get("X-Cache"), plain.Header.Get("Content-Encoding"), bytes.Equal(plainRaw, body))
	}
	if n := compressions.Load(); n != 1 {
		t.Errorf("compressor ran %d times, want 1 (the miss)", n)
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, body) {
		t.Errorf("gzip form does not decompress to the body")
	}
}

// compressBodies are responses of realistic sizes: a page of GeoJSON features as the map asks
// for (about 60 KB) and a CSV download (about 2 MB).
func compressBodies() map[string][]byte {
	var page bytes.Buffer
	page.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; page.Len() < 60<<10; i++ {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"type":"Feature","id":"E0100%04d","geometry":{"type":"MultiPolygon","coordinates":[[[`, i)
		for j := range 30 {
			if j > 0 {
				page.WriteByte(',')
			}
			fmt.Fprintf(&page, "[%.5f,%.5f]", -1.2+float64((i*31+j*17)%997)/1e4, 54.5+float64((i*13+j*29)%991)/1e4)
		}
		fmt.Fprintf(&page, `]]]},"properties":{"code":"E0100%04d","name":"Middlesbrough %03dA","imd_rank":%d,"imd_decile":%d,"need_pct":0.%04d}}`, i, i%999, 1+i*37%32844, 1+i%10, i*7919%10000)
	}
	page.WriteString("]}\n")
	var csv bytes.Buffer
	csv.WriteString("code,name,lad_code,population,imd_rank,imd_decile,need_pct,assets_n,assets_per_1k,lw_fte_per_10k,provision_pct,gap,underserved\n")
	for i := 0; csv.Len() < 2<<20; i++ {
		fmt.Fprintf(&csv, "E0100%04d,Area %04d%c,E0600%04d,%d,%d,%d,0.%04d,%d,%.4f,%.4f,0.%04d,%.4f,%v\n",
			i, i/4, 'A'+i%4, i/60, 1200+i*37%900, 1+i*37%32844, 1+i%10, i*7919%10000, i%13, float64(i%13)/1.5, float64(i*7%1000)/997, i*104729%10000, float64(i%200-100)/100, i%9 == 0)
	}
	return map[string][]byte{"geojson-60KB": page.Bytes(), "csv-2MB": csv.Bytes()}
}

// BenchmarkCompress compares the compressors a route can use on realistic bodies: chi's
// middleware.Compress at level 5 (what /api and / used) and gzhttp at level 5 (newCompressor)
// and at its default level. compressed-% is the gzip size as a share of the body.
func BenchmarkCompress(b *testing.B) {
	bodies := compressBodies()
	compressors := []struct {
		name string
		mw   func(http.Handler) http.Handler
	}{
		{"chi-5", middleware.Compress(5)},
		{"gzhttp-5", newCompressor()},
		{"gzhttp-default", func(next http.Handler) http.Handler {
			w, err := gzhttp.NewWrapper(gzhttp.EnableZstd(false))
			if err != nil {
				b.Fatal(err)
			}
			return w(next)
		}},
	}
	for _, size := range []string{"geojson-60KB", "csv-2MB"} {
		body := bodies[size]
		for _, c := range compressors {
			b.Run(size+"/"+c.name, func(b *testing.B) {
				h := c.mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
					_, _ = w.Write(body)
				}))
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
				var out int
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					w := &countingWriter{h: http.Header{}}
					h.ServeHTTP(w, req)
					out = w.n
					if w.h.Get("Content-Encoding") != "gzip" {
						b.Fatalf("Content-Encoding %q", w.h.Get("Content-Encoding"))
					}
				}
				b.ReportMetric(100*float64(out)/float64(len(body)), "compressed-%")
			})
		}
	}
}

// countingWriter is a ResponseWriter that counts the bytes written and keeps nothing.
type countingWriter struct {
	h http.Header
	n int
}

func (w *countingWriter) Header() http.Header { return w.h }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
