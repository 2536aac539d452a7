package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCacheServesRepeatsWithoutTheStore(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	const path = "/ogc/collections/iod2019-lsoa/items"

	first := ts.get(t, path+"?limit=2&bbox=-180,-90,180,90")
	fb := readBody(t, first)
	if first.StatusCode != http.StatusOK || first.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("first: status %d X-Cache %q", first.StatusCode, first.Header.Get("X-Cache"))
	}
	if n := ts.svc.features.Load(); n != 1 {
		t.Fatalf("store called %d times for the first request", n)
	}
	// The same query with its parameters in another order and escaped differently is the same entry.
	for _, q := range []string{"?limit=2&bbox=-180,-90,180,90", "?bbox=-180%2C-90%2C180%2C90&limit=2"} {
		res := ts.get(t, path+q)
		b := readBody(t, res)
		if res.Header.Get("X-Cache") != "HIT" || !bytes.Equal(b, fb) {
			t.Errorf("%s: X-Cache %q, same body %v", q, res.Header.Get("X-Cache"), bytes.Equal(b, fb))
		}
		if res.Header.Get("Etag") != first.Header.Get("Etag") || res.Header.Get("Content-Type") != mediaGeoJSON {
			t.Errorf("%s: ETag %q (first %q), Content-Type %q", q, res.Header.Get("Etag"), first.Header.Get("Etag"), res.Header.Get("Content-Type"))
		}
	}
	if n := ts.svc.features.Load(); n != 1 {
		t.Errorf("store called %d times, want 1", n)
	}

	// Another query is another entry.
	readBody(t, ts.get(t, path+"?limit=3"))
	if n := ts.svc.features.Load(); n != 2 {
		t.Errorf("store called %d times after a new query, want 2", n)
	}

	// A single feature and the metadata documents are cached too.
	for _, p := range []string{"/ogc/collections/iod2019-lsoa/items/E01000001", "/ogc/collections", "/ogc/api"} {
		readBody(t, ts.get(t, p))
		if res := ts.get(t, p); res.Header.Get("X-Cache") != "HIT" {
			t.Errorf("%s: second request X-Cache %q", p, res.Header.Get("X-Cache"))
		}
	}
	if n := ts.svc.feature.Load(); n != 1 {
		t.Errorf("Feature called %d times, want 1", n)
	}
}

func TestCacheGenerationChange(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	const target = "/ogc/collections/iod2019-lsoa/items?limit=1"
	first := ts.get(t, target)
	readBody(t, first)
	readBody(t, ts.get(t, target))
	if n := ts.svc.features.Load(); n != 1 {
		t.Fatalf("store called %d times, want 1", n)
	}
	collections := ts.svc.collections.Load()

	ts.svc.bump.Add(1)
	// Within the second, the old generation still holds.
	readBody(t, ts.get(t, target))
	if n := ts.svc.features.Load(); n != 1 {
		t.Errorf("generation re-read within a second: store called %d times", n)
	}
	ts.clock.advance(1100 * time.Millisecond)
	res := ts.get(t, target)
	readBody(t, res)
	if n := ts.svc.features.Load(); n != 2 {
		t.Errorf("after a generation change the store was called %d times, want 2", n)
	}
	if res.Header.Get("Etag") == first.Header.Get("Etag") {
		t.Errorf("ETag %s unchanged across generations", res.Header.Get("Etag"))
	}
	if ts.svc.collections.Load() != collections+1 {
		t.Errorf("collections loaded %d times, want one reload for the new generation", ts.svc.collections.Load()-collections)
	}
	// The old ETag no longer earns a 304.
	if res := ts.get(t, target, "If-None-Match", first.Header.Get("Etag")); res.StatusCode != http.StatusOK {
		t.Errorf("old ETag: status %d, want 200", res.StatusCode)
	}
}

func TestGenerationAskedAtMostOncePerSecond(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	for i := range 50 {
		readBody(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=1&offset="+strconv.Itoa(i%3)))
	}
	if n := ts.svc.generation.Load(); n != 1 {
		t.Errorf("Generation called %d times in one second, want 1", n)
	}
	ts.clock.advance(time.Second)
	readBody(t, ts.get(t, "/ogc"))
	if n := ts.svc.generation.Load(); n != 2 {
		t.Errorf("Generation called %d times after a second, want 2", n)
	}
}

func TestIfNoneMatch(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	const target = "/ogc/collections/iod2019-lad/items"
	first := ts.get(t, target)
	readBody(t, first)
	etag := first.Header.Get("Etag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
		t.Fatalf("ETag %q is not a strong entity tag", etag)
	}
	tests := []struct {
		name, inm string
		status    int
	}{
		{"same tag", etag, http.StatusNotModified},
		{"weak form", "W/" + etag, http.StatusNotModified},
		{"in a list", `"other", ` + etag, http.StatusNotModified},
		{"star", "*", http.StatusNotModified},
		{"other tag", `"other"`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, target, "If-None-Match", tt.inm)
			b := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.status == http.StatusNotModified && (len(b) != 0 || res.Header.Get("Etag") != etag) {
				t.Errorf("304 with %d body bytes and ETag %q", len(b), res.Header.Get("Etag"))
			}
		})
	}

	// When the entry was evicted, the tag still names what this generation produces, but a 304
	// comes only once the handler has found the request valid and answered 200 (issue 13), and
	// that answer is cached.
	ts2 := newTestServer(t, Config{CacheBytes: 1 << 20})
	res := ts2.get(t, target, "If-None-Match", etag)
	if b := readBody(t, res); res.StatusCode != http.StatusNotModified || len(b) != 0 || res.Header.Get("Etag") != etag {
		t.Errorf("cold If-None-Match: status %d, %d body bytes, ETag %q", res.StatusCode, len(b), res.Header.Get("Etag"))
	}
	if n := ts2.svc.features.Load(); n != 1 {
		t.Errorf("cold If-None-Match: store calls %d, want 1", n)
	}
	res = ts2.get(t, target)
	if b := readBody(t, res); res.StatusCode != http.StatusOK || res.Header.Get("X-Cache") != "HIT" || len(b) == 0 {
		t.Errorf("after a cold 304: status %d, X-Cache %q, %d bytes; want a cached 200", res.StatusCode, res.Header.Get("X-Cache"), len(b))
	}
}

func TestCacheOnlyOK(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	for range 2 {
		readBody(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items/E99999999"))
	}
	if n := ts.svc.feature.Load(); n != 2 {
		t.Errorf("a 404 was cached: Feature called %d times, want 2", n)
	}
	for range 2 {
		readBody(t, ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=0"))
	}
	if n := ts.svc.features.Load(); n != 0 {
		t.Errorf("a bad request reached the store %d times", n)
	}
}

func TestCacheKeyHasHost(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 1 << 20})
	readBody(t, ts.get(t, "/ogc"))
	res := ts.get(t, "/ogc", "X-Forwarded-Proto", "https")
	m := decodeJSON(t, res, http.StatusOK)
	if href := linksByRel(t, m)["self"]["href"]; href != "https://"+testHost+"/ogc" {
		t.Errorf("https request served the http entry: self %v", href)
	}
}

func TestCacheOff(t *testing.T) {
	ts := newTestServer(t, Config{})
	for range 3 {
		res := ts.get(t, "/ogc/collections/iod2019-lsoa/items?limit=1")
		readBody(t, res)
		if res.Header.Get("Etag") != "" || res.Header.Get("X-Cache") != "" {
			t.Errorf("cache off, yet ETag %q X-Cache %q", res.Header.Get("Etag"), res.Header.Get("X-Cache"))
		}
	}
	if n := ts.svc.features.Load(); n != 3 {
		t.Errorf("store called %d times, want 3", n)
	}
	// Collections are still loaded once per generation.
	if n := ts.svc.collections.Load(); n != 1 {
		t.Errorf("Collections called %d times, want 1", n)
	}
}

func TestCacheLRU(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 100)
	entry := func(key string) *cacheEntry {
		return &cacheEntry{key: key, ctype: []string{mediaJSON}, plain: *newVariant(body, `"t"`)}
	}
	size := entry("a").size()
	c := newCache(4 * size) // room for four entries; each may take a quarter
	for _, k := range []string{"a", "b", "c", "d"} {
		c.put(entry(k))
	}
	if c.get("a") == nil { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.put(entry("e")) // evicts b, the least recently used
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true, "e": true} {
		if got := c.get(k) != nil; got != want {
			t.Errorf("entry %s present %v, want %v", k, got, want)
		}
	}
	if c.size > c.max {
		t.Errorf("size %d exceeds bound %d", c.size, c.max)
	}
	c.put(&cacheEntry{key: "big", plain: *newVariant(bytes.Repeat([]byte("x"), int(2*size)), `"t"`)})
	if c.get("big") != nil || c.len() != 4 {
		t.Errorf("an entry above a quarter of the cache was stored (%d entries)", c.len())
	}
	if newCache(0) != nil {
		t.Error("newCache(0) should turn the cache off")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"deflate, gzip;q=0.5", true},
		{"br, GZIP", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"x-gzip", false},
		{"identity", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestCacheConcurrent(t *testing.T) {
	ts := newTestServer(t, Config{CacheBytes: 64 << 10})
	targets := []string{
		"/ogc/collections/iod2019-lsoa/items?limit=1",
		"/ogc/collections/iod2019-lsoa/items?limit=2",
		"/ogc/collections/iod2019-lsoa/items",
		"/ogc/collections/iod2019-lad/items",
		"/ogc/collections/iod2019-lsoa/items/E01000001",
		"/ogc/api",
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 60 {
				if g == 0 && i%20 == 0 {
					ts.svc.bump.Add(1)
					ts.clock.advance(time.Second)
				}
				var hdr []string
				if (g+i)%2 == 0 {
					hdr = []string{"Accept-Encoding", "gzip"}
				}
				res := ts.get(t, targets[(g+i)%len(targets)], hdr...)
				b := readBody(t, res)
				if res.StatusCode != http.StatusOK || !json.Valid(b) {
					done <- fmt.Errorf("%s: status %d, valid JSON %v", targets[(g+i)%len(targets)], res.StatusCode, json.Valid(b))
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
