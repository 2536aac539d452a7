package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// bigPageService answers every items request with the same page of n features, about the size
// of a zoomed-in map view.
type bigPageService struct {
	spatlas.FeatureService
	page spatlas.FeaturePage
}

func newBigPageService(tb testing.TB, n int) *bigPageService {
	tb.Helper()
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type":"Feature","id":"E0100` + strconv.Itoa(1000+i) + `","geometry":{"type":"MultiPolygon","coordinates":[[[`)
		for j := range 40 {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString("[-1.2" + strconv.Itoa(1000+j) + ",54.5" + strconv.Itoa(1000+i%100) + "]")
		}
		b.WriteString(`]]]},"properties":{"code":"E01001000","name":"Middlesbrough 001A","lad_code":"E06000002","imd_rank":123,"imd_decile":1}}`)
	}
	b.WriteByte(']')
	return &bigPageService{
		FeatureService: newTestService(tb),
		page:           spatlas.FeaturePage{Features: b.Bytes(), NumberMatched: int64(n), NumberReturned: n},
	}
}

func (s *bigPageService) Features(ctx context.Context, q spatlas.FeatureQuery) (spatlas.FeaturePage, error) {
	return s.page, nil
}

const benchTarget = "/ogc/collections/iod2019-lsoa/items?bbox=-1.35,54.50,-1.10,54.62&zoom=12&limit=1000"

// benchServe measures requests per second of target on a loopback server running h.
func benchServe(b *testing.B, h http.Handler) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	res, err := client.Get(srv.URL + benchTarget)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	b.SetBytes(n)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Get(srv.URL + benchTarget)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}

// BenchmarkItemsHot serves a cached 1000-feature page through the whole handler.
func BenchmarkItemsHot(b *testing.B) {
	h := New(Config{Features: newBigPageService(b, 1000), CacheBytes: 256 << 20})
	benchServe(b, h)
}

// BenchmarkTrivialServer serves the same bytes from memory with no routing, logging or cache:
// the ceiling BenchmarkItemsHot is compared with.
func BenchmarkTrivialServer(b *testing.B) {
	h := New(Config{Features: newBigPageService(b, 1000), CacheBytes: 256 << 20})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, benchTarget, nil))
	body := rec.Body.Bytes()
	benchServe(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", mediaGeoJSON)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
}
