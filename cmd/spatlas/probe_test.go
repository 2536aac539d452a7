package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// freeAddr returns a loopback address with a port free at the time of the call.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs "spatlas serve" with args against the real test database and returns its
// base URL; the server stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"DATABASE_URL": pgtest.URL(t, "real"), "SPATLAS_LOG_LEVEL": "error"}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve did not start: %v", err)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "spatlas serving on "), "/")
}

// TestSlowClientsDoNotStarveTheAPI is the probe of issue 13 with the default limits: 32 clients
// that announce a body they never send and 32 that ask for the largest download and never read
// it. While they hold their sockets open, /readyz and an area profile must keep answering
// within a second, and the metrics must show the pool.
func TestSlowClientsDoNotStarveTheAPI(t *testing.T) {
	pgtest.Real(t)
	metricsAddr := freeAddr(t)
	base := startServe(t, "-metrics-addr", metricsAddr)
	hostport := strings.TrimPrefix(base, "http://")

	// The server has served before the slow clients come: a few requests at once have opened
	// database connections and warmed them (a new backend's first PostGIS query is slow).
	client := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, p := range []string{"/readyz", "/api/areas/E06000002"} {
				res, err := client.Get(base + p)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
	wg.Wait()

	var mu sync.Mutex
	var conns []net.Conn
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	dial := func(request string) net.Conn {
		c, err := net.Dial("tcp", hostport)
		if err != nil {
			t.Error(err)
			return nil
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		if _, err := io.WriteString(c, request); err != nil {
			t.Error(err)
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		return c
	}
	var bodies []net.Conn
	for range 32 {
		bodies = append(bodies, dial("GET /api/download/iod2025/lsoa.csv HTTP/1.1\r\nHost: "+hostport+"\r\nContent-Length: 100\r\n\r\n"))
		dial("GET /api/download/iod2025/lsoa.geojson HTTP/1.1\r\nHost: " + hostport + "\r\n\r\n")
	}
	if t.Failed() {
		t.FailNow()
	}

	// A GET announcing a body is refused at once.
	_ = bodies[0].SetReadDeadline(time.Now().Add(time.Second))
	status, err := bufio.NewReader(bodies[0]).ReadString('\n')
	if err != nil || !strings.Contains(status, " 400 ") {
		t.Errorf("GET with Content-Length: 100 and no body: %q, %v; want 400 at once", status, err)
	}

	check := func(when, path string) {
		start := time.Now()
		res, err := client.Get(base + path)
		d := time.Since(start)
		if err != nil {
			t.Errorf("%s: %s: %v", when, path, err)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		t.Logf("%s: %s: %d in %v", when, path, res.StatusCode, d)
		if res.StatusCode != http.StatusOK || d > time.Second {
			t.Errorf("%s: %s: status %d in %v; want 200 within 1 s", when, path, res.StatusCode, d)
		}
	}
	for _, wait := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 3 * time.Second} {
		time.Sleep(wait)
		for _, p := range []string{"/readyz", "/api/areas/E06000002"} {
			check("with 64 slow clients", p)
		}
	}

	res, err := client.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`spatlas_db_pool_connections{state="acquired"}`,
		"spatlas_db_pool_max_connections 8",
		`spatlas_http_request_duration_seconds_bucket{method="GET",route="/readyz",status="200"`,
		`route="unmatched",status="400"`,
		"spatlas_cache_hits_total",
		`spatlas_build_duration_seconds{edition="iod2025"}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
