package server

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// Every response is compressed by one path: gzhttp (github.com/klauspost/compress), chosen over
// chi's middleware.Compress by BenchmarkCompress. The response cache of /ogc keeps the gzip form
// it wrote, so that a hit never compresses.
const (
	// minGzipBytes is the smallest body worth compressing.
	minGzipBytes = 1024
	// gzipLevel trades ratio for speed; GeoJSON compresses well even at low levels.
	gzipLevel = 5
)

// newCompressor returns the middleware that gzips responses of at least minGzipBytes for
// clients that accept gzip. Only gzip is offered: the cache keeps an identity and a gzip form.
func newCompressor() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.CompressionLevel(gzipLevel),
		gzhttp.MinSize(minGzipBytes),
		gzhttp.EnableZstd(false),
	)
	if err != nil {
		panic(err) // the options are constants and valid
	}
	return func(next http.Handler) http.Handler { return wrap(next) }
}

// gzipPool recycles the gzip writers that add a gzip form to a cached identity body, with the
// library and level of newCompressor.
type gzipPool struct{ p sync.Pool }

func newGzipPool() *gzipPool {
	return &gzipPool{p: sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel) // the level is valid
		return w
	}}}
}

// compress returns body gzipped.
func (g *gzipPool) compress(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	w := g.p.Get().(*gzip.Writer)
	w.Reset(&buf)
	_, _ = w.Write(body) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	w.Reset(io.Discard)
	g.p.Put(w)
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
