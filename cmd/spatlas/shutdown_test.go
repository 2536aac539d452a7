package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestShutdownFinishesRequests sends a large request, then signals the server to stop while it
// is being answered: the request must complete in full (graceful shutdown), not end as an empty
// response that a cache could keep.
func TestShutdownFinishesRequests(t *testing.T) {
	pgtest.Real(t)
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"DATABASE_URL": pgtest.URL(t, "real"), "SPATLAS_LOG_LEVEL": "error"}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-cache-mb", "0"}, func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	buf := make([]byte, 256)
	n, _ := pr.Read(buf)
	go io.Copy(io.Discard, pr)
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(string(buf[:n])), "spatlas serving on "), "/")

	type result struct {
		status   int
		returned int
		err      error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/ogc/collections/iod2019-lsoa/items?limit=10000&offset=5000")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var fc struct{ NumberReturned int }
		err = json.NewDecoder(resp.Body).Decode(&fc)
		res <- result{resp.StatusCode, fc.NumberReturned, err}
	}()
	time.Sleep(150 * time.Millisecond) // the request is now being answered
	cancel()
	select {
	case r := <-res:
		if r.err != nil || r.status != 200 || r.returned != 10000 {
			t.Errorf("request during shutdown: status %d, %d features, err %v; want 200 with 10000", r.status, r.returned, r.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("request did not finish")
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
