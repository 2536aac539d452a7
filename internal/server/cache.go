package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// generations remembers the store's data generation and asks again at most once per interval,
// however many requests want it. While one request asks, the others use the last value.
type generations struct {
	svc   spatlas.FeatureService
	every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	gen      int64
	at       time.Time
	valid    bool
	fetching bool
}

func newGenerations(svc spatlas.FeatureService, every time.Duration, now func() time.Time) *generations {
	return &generations{svc: svc, every: every, now: now}
}

// current returns the data generation, at most every interval old.
func (g *generations) current(ctx context.Context) (int64, error) {
	g.mu.Lock()
	if g.valid && (g.fetching || g.now().Sub(g.at) < g.every) {
		gen := g.gen
		g.mu.Unlock()
		return gen, nil
	}
	g.fetching = true
	g.mu.Unlock()

	gen, err := g.svc.Generation(ctx)

	g.mu.Lock()
	defer g.mu.Unlock()
	g.fetching = false
	if err != nil {
		return 0, err
	}
	g.gen, g.at, g.valid = gen, g.now(), true
	return gen, nil
}

// minGzipBytes is the smallest body worth compressing.
const minGzipBytes = 1024

// gzipLevel trades ratio for speed; GeoJSON compresses well even at low levels.
const gzipLevel = 5

// gzipPool recycles gzip writers, which are costly to allocate.
type gzipPool struct{ p sync.Pool }

func newGzipPool() *gzipPool {
	return &gzipPool{p: sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel) // the level is valid
		return w
	}}}
}

func (g *gzipPool) get(dst io.Writer) *gzip.Writer {
	w := g.p.Get().(*gzip.Writer)
	w.Reset(dst)
	return w
}

func (g *gzipPool) put(w *gzip.Writer) {
	w.Reset(io.Discard)
	g.p.Put(w)
}

// compress returns body gzipped.
func (g *gzipPool) compress(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	w := g.get(&buf)
	_, _ = w.Write(body) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	g.put(w)
	return buf.Bytes()
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(ae string) bool {
	if ae == "" {
		return false
	}
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(k, "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}

// variant is one encoding of a cached response, with its header values ready to assign.
type variant struct {
	body   []byte
	etag   []string
	length []string
}

// cacheEntry is one cached 200 response. It is never modified once in the cache: adding the
// gzip form replaces the entry.
type cacheEntry struct {
	key      string
	ctype    []string
	plain    variant
	gzip     *variant
	encoding []string // {"gzip"}
	hit      []string // {"HIT"}
}

func (e *cacheEntry) size() int64 {
	n := int64(len(e.key) + len(e.plain.body) + 256)
	if e.gzip != nil {
		n += int64(len(e.gzip.body))
	}
	return n
}

// serve writes the entry: the gzip form when the client takes it and it exists. A request whose
// If-None-Match names the entry's ETag gets 304.
func (e *cacheEntry) serve(w http.ResponseWriter, r *http.Request, acceptGzip bool) {
	h := w.Header()
	v := &e.plain
	if acceptGzip && e.gzip != nil {
		v = e.gzip
		h["Content-Encoding"] = e.encoding
	}
	h["Content-Type"] = e.ctype
	h["Etag"] = v.etag
	h["X-Cache"] = e.hit
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, v.etag[0]) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = v.length
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write(v.body)
}

func newVariant(body []byte, etag string) *variant {
	return &variant{body: body, etag: []string{etag}, length: []string{strconv.Itoa(len(body))}}
}

// cache is an LRU of responses bounded by the bytes it holds. A nil *cache caches nothing.
type cache struct {
	max      int64
	maxEntry int64

	mu      sync.Mutex
	size    int64
	entries map[string]*list.Element // of *cacheEntry
	lru     list.List                // front: most recently used
}

// newCache returns a cache holding at most maxBytes, or nil (no caching) when maxBytes <= 0.
// One response may take at most a quarter of it.
func newCache(maxBytes int64) *cache {
	if maxBytes <= 0 {
		return nil
	}
	return &cache{max: maxBytes, maxEntry: maxBytes / 4, entries: make(map[string]*list.Element)}
}

// get returns the entry of key, or nil.
func (c *cache) get(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry)
}

// put adds or replaces an entry and evicts the least recently used ones beyond the bound.
func (c *cache) put(e *cacheEntry) {
	n := e.size()
	if n > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.size -= el.Value.(*cacheEntry).size()
		el.Value = e
		c.lru.MoveToFront(el)
	} else {
		c.entries[e.key] = c.lru.PushFront(e)
	}
	c.size += n
	for c.size > c.max {
		el := c.lru.Back()
		old := el.Value.(*cacheEntry)
		c.lru.Remove(el)
		delete(c.entries, old.key)
		c.size -= old.size()
	}
}

// len returns the number of entries.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// withGzip returns e with its gzip form added, and caches that.
func (c *cache) withGzip(e *cacheEntry, gz *gzipPool, tags entityTags) *cacheEntry {
	ne := *e
	ne.gzip = newVariant(gz.compress(e.plain.body), tags.gzip)
	c.put(&ne)
	return &ne
}

// cacheKey identifies a response: data generation, method, the scheme and host links are built
// from, path, and the query string with its parameters sorted. HEAD shares GET's entries. ok is
// false for a query string that does not parse (the handler answers it with 400).
func cacheKey(gen int64, r *http.Request) (key string, ok bool) {
	var q string
	if r.URL.RawQuery != "" {
		v, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return "", false
		}
		q = v.Encode()
	}
	var b strings.Builder
	b.Grow(64 + len(r.Host) + len(r.URL.Path) + len(q))
	b.WriteString(strconv.FormatInt(gen, 10))
	b.WriteString(" GET ")
	b.WriteString(requestScheme(r))
	b.WriteString("://")
	b.WriteString(r.Host)
	b.WriteString(r.URL.EscapedPath())
	b.WriteByte('?')
	b.WriteString(q)
	return b.String(), true
}

// entityTags are the strong ETags of the identity and gzip forms of one response.
type entityTags struct{ plain, gzip string }

// tagsFor derives the ETags of a cache key (which holds the generation) and the build version.
func tagsFor(version, key string) entityTags {
	h := fnv.New64a()
	_, _ = io.WriteString(h, version)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, key)
	s := strconv.FormatUint(h.Sum64(), 16)
	return entityTags{plain: `"` + s + `"`, gzip: `"` + s + `-gz"`}
}

// etagMatches applies If-None-Match's weak comparison of a header against one ETag.
func etagMatches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// ogcResponses prepares every /ogc response: Cache-Control, Vary, gzip when the client takes
// it, and for GET and HEAD with the cache on, the cache lookup, ETag and If-None-Match.
func ogcResponses(c *cache, gens *generations, gz *gzipPool, version string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", "public, max-age=60")
			h.Set("Vary", "Accept-Encoding")
			acceptGzip := acceptsGzip(r.Header.Get("Accept-Encoding"))
			if c == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
				serveFresh(w, r, next, gz, acceptGzip, nil)
				return
			}
			gen, err := gens.current(r.Context())
			if err != nil {
				// The handler meets the same failure and reports it.
				serveFresh(w, r, next, gz, acceptGzip, nil)
				return
			}
			key, ok := cacheKey(gen, r)
			if !ok {
				serveFresh(w, r, next, gz, acceptGzip, nil)
				return
			}
			if e := c.get(key); e != nil {
				if acceptGzip && e.gzip == nil && len(e.plain.body) >= minGzipBytes {
					e = c.withGzip(e, gz, tagsFor(version, key))
				}
				e.serve(w, r, acceptGzip)
				return
			}
			tags := tagsFor(version, key)
			if inm := r.Header.Get("If-None-Match"); inm != "" {
				// Both tags name what this generation and key always produce.
				for _, t := range []string{tags.plain, tags.gzip} {
					if etagMatches(inm, t) {
						h.Set("Etag", t)
						w.WriteHeader(http.StatusNotModified)
						return
					}
				}
			}
			serveFresh(w, r, next, gz, acceptGzip, &pending{cache: c, key: key, tags: tags})
		})
	}
}

// pending is a response to be cached once the handler has written it.
type pending struct {
	cache *cache
	key   string
	tags  entityTags
}

// serveFresh runs the handler, compressing its output when asked and keeping a copy for the
// cache when p is not nil.
func serveFresh(w http.ResponseWriter, r *http.Request, next http.Handler, gz *gzipPool, acceptGzip bool, p *pending) {
	ow := &ogcWriter{ResponseWriter: w, pool: gz, acceptGzip: acceptGzip, pending: p, capturing: p != nil}
	if p != nil {
		ow.limit = int(p.cache.maxEntry)
	}
	next.ServeHTTP(ow, r)
	ow.finish()
}

// ogcWriter compresses and captures a handler's response.
type ogcWriter struct {
	http.ResponseWriter
	pool       *gzipPool
	acceptGzip bool
	pending    *pending

	status    int
	gzw       *gzip.Writer
	tee       *teeWriter // the compressed bytes, when capturing
	plain     bytes.Buffer
	capturing bool
	limit     int
}

// teeWriter writes to w and, while buf is not nil, to buf.
type teeWriter struct {
	w   io.Writer
	buf *bytes.Buffer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	if t.buf != nil {
		t.buf.Write(p)
	}
	return t.w.Write(p)
}

func (o *ogcWriter) WriteHeader(status int) {
	if o.status != 0 {
		return
	}
	o.status = status
	h := o.Header()
	if status != http.StatusOK {
		o.capturing = false
		h.Del("Etag")
		o.ResponseWriter.WriteHeader(status)
		return
	}
	compress := o.acceptGzip && h.Get("Content-Encoding") == ""
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n < minGzipBytes {
			compress = false
		}
	}
	if compress {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		o.tee = &teeWriter{w: o.ResponseWriter}
		if o.capturing {
			o.tee.buf = new(bytes.Buffer)
		}
		o.gzw = o.pool.get(o.tee)
	}
	if o.pending != nil {
		if compress {
			h.Set("Etag", o.pending.tags.gzip)
		} else {
			h.Set("Etag", o.pending.tags.plain)
		}
		h.Set("X-Cache", "MISS")
	}
	o.ResponseWriter.WriteHeader(status)
}

func (o *ogcWriter) Write(p []byte) (int, error) {
	if o.status == 0 {
		o.WriteHeader(http.StatusOK)
	}
	if o.capturing {
		if o.plain.Len()+len(p) > o.limit {
			o.capturing = false
			o.plain = bytes.Buffer{}
			if o.tee != nil {
				o.tee.buf = nil
			}
		} else {
			o.plain.Write(p)
		}
	}
	if o.gzw != nil {
		return o.gzw.Write(p)
	}
	return o.ResponseWriter.Write(p)
}

// finish flushes the compressor and caches a complete 200 response.
func (o *ogcWriter) finish() {
	if o.gzw != nil {
		_ = o.gzw.Close()
		o.pool.put(o.gzw)
		o.gzw = nil
	}
	if !o.capturing || o.status != http.StatusOK || o.pending == nil {
		return
	}
	ctype := o.Header().Get("Content-Type")
	if ctype == "" {
		return
	}
	e := &cacheEntry{
		key:      o.pending.key,
		ctype:    []string{ctype},
		plain:    *newVariant(o.plain.Bytes(), o.pending.tags.plain),
		encoding: []string{"gzip"},
		hit:      []string{"HIT"},
	}
	if o.tee != nil && o.tee.buf != nil {
		e.gzip = newVariant(o.tee.buf.Bytes(), o.pending.tags.gzip)
	}
	o.pending.cache.put(e)
}
