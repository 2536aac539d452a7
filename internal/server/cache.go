package server

import (
	"container/list"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// variant is one encoding of a cached response, with its header values ready to assign.
type variant struct {
	body   []byte
	etag   []string
	length []string
}

func newVariant(body []byte, etag string) *variant {
	return &variant{body: body, etag: []string{etag}, length: []string{strconv.Itoa(len(body))}}
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

// cache is an LRU of responses bounded by the bytes it holds. A nil *cache caches nothing.
type cache struct {
	max      int64
	maxEntry int64

	hits, misses atomic.Uint64 // lookups, for the metrics

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
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
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

// bytes returns the bytes the entries hold.
func (c *cache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// withGzip returns e with its gzip form added, and caches that. It runs once per entry first
// stored for a client that did not take gzip.
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
