package server

import (
	"bytes"
	"net/http"
	"strings"
)

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

// ogcResponses prepares every /ogc response: Cache-Control, Vary, compression through compress
// when the client takes it, and for GET and HEAD with the cache on, the cache lookup, ETag and
// If-None-Match. A hit is written as stored, never compressed again. Only a 200 is cached, so a
// hit answers a request known to be valid; on a miss If-None-Match is weighed after the handler
// has answered 200 (captureWriter).
func ogcResponses(c *cache, gens *generations, compress func(http.Handler) http.Handler, gz *gzipPool, version string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		fresh := compress(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", "public, max-age=60")
			if c == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
				fresh.ServeHTTP(w, r)
				return
			}
			gen, err := gens.current(r.Context())
			if err != nil {
				// The handler meets the same failure and reports it.
				fresh.ServeHTTP(w, r)
				return
			}
			key, ok := cacheKey(gen, r)
			if !ok {
				fresh.ServeHTTP(w, r)
				return
			}
			acceptGzip := acceptsGzip(r.Header.Get("Accept-Encoding"))
			if e := c.get(key); e != nil {
				if acceptGzip && e.gzip == nil && len(e.plain.body) >= minGzipBytes {
					e = c.withGzip(e, gz, tagsFor(version, key))
				}
				h.Set("Vary", "Accept-Encoding")
				e.serve(w, r, acceptGzip)
				return
			}
			// If-None-Match is weighed only once the handler has answered 200: a request that is
			// invalid or names nothing gets its 4xx, never a 304.
			tags := tagsFor(version, key)
			cw := &captureWriter{ResponseWriter: w, cache: c, key: key, tags: tags, capturing: true,
				ifNoneMatch: r.Header.Get("If-None-Match")}
			compress(plainTap(next, cw)).ServeHTTP(cw, r)
			cw.finish()
		})
	}
}

// plainTap runs next with its output, as the handler writes it before any compression, kept by
// cw.
func plainTap(next http.Handler, cw *captureWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&tapWriter{ResponseWriter: w, cw: cw}, r)
	})
}

// tapWriter hands what a handler writes to its captureWriter on the way to the compressor.
type tapWriter struct {
	http.ResponseWriter
	cw *captureWriter
}

func (t *tapWriter) Write(p []byte) (int, error) {
	t.cw.keep(&t.cw.plain, p)
	return t.ResponseWriter.Write(p)
}

func (t *tapWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// captureWriter is the writer a cache miss is served through: it gives a 200 its ETag and
// X-Cache, and keeps the identity body (from its tapWriter) and the gzip body (what the
// compressor sends), to cache both once the handler is done. A 200 whose ETag the request's
// If-None-Match names goes out as a 304 without its body, which is still kept for the cache.
type captureWriter struct {
	http.ResponseWriter
	cache *cache
	key   string
	tags  entityTags

	ifNoneMatch string

	status      int
	gzipped     bool
	capturing   bool
	notModified bool
	plain       bytes.Buffer
	gzip        bytes.Buffer
}

func (cw *captureWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// keep adds p to buf while the response is worth caching and within one entry's bound.
func (cw *captureWriter) keep(buf *bytes.Buffer, p []byte) {
	if !cw.capturing {
		return
	}
	if int64(buf.Len()+len(p)) > cw.cache.maxEntry {
		cw.capturing = false
		cw.plain, cw.gzip = bytes.Buffer{}, bytes.Buffer{}
		return
	}
	buf.Write(p)
}

func (cw *captureWriter) WriteHeader(status int) {
	if cw.status != 0 {
		return
	}
	cw.status = status
	h := cw.Header()
	if status != http.StatusOK {
		cw.capturing = false
		h.Del("Etag")
		cw.ResponseWriter.WriteHeader(status)
		return
	}
	switch h.Get("Content-Encoding") {
	case "":
		h.Set("Etag", cw.tags.plain)
	case "gzip":
		cw.gzipped = true
		h.Set("Etag", cw.tags.gzip)
	default:
		cw.capturing = false
	}
	h.Set("X-Cache", "MISS")
	if cw.ifNoneMatch != "" && (etagMatches(cw.ifNoneMatch, cw.tags.plain) || etagMatches(cw.ifNoneMatch, cw.tags.gzip)) {
		cw.notModified = true
		h.Set("Vary", "Accept-Encoding")
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		status = http.StatusNotModified
	}
	cw.ResponseWriter.WriteHeader(status)
}

func (cw *captureWriter) Write(p []byte) (int, error) {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.gzipped {
		cw.keep(&cw.gzip, p)
	}
	if cw.notModified {
		return len(p), nil
	}
	return cw.ResponseWriter.Write(p)
}

// finish caches a complete 200 response.
func (cw *captureWriter) finish() {
	if !cw.capturing || cw.status != http.StatusOK {
		return
	}
	ctype := cw.Header().Get("Content-Type")
	if ctype == "" {
		return
	}
	e := &cacheEntry{
		key:      cw.key,
		ctype:    []string{ctype},
		plain:    *newVariant(cw.plain.Bytes(), cw.tags.plain),
		encoding: []string{"gzip"},
		hit:      []string{"HIT"},
	}
	if cw.gzipped {
		e.gzip = newVariant(cw.gzip.Bytes(), cw.tags.gzip)
	}
	cw.cache.put(e)
}
