package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/server"
	"github.com/spatlas/spatlas/internal/spatlas"
)

const (
	// itemsCollection and itemsPath are the request measured: a zoom-12 map view of Teesside.
	itemsCollection = "iod2019-lsoa"
	itemsPath       = "/ogc/collections/" + itemsCollection + "/items?bbox=-1.35,54.50,-1.10,54.62&zoom=12&limit=1000"
	itemsZoom       = 12
	itemsLimit      = 1000
	// hotTarget is the least share of the trivial server's requests per second spatlas must reach:
	// a cached response is served at nearly the speed of the bytes held in memory.
	hotTarget = 0.9
	// hotBudget bounds the total time of the wrk runs: rounds are fewer when -duration is long.
	hotBudget = 60 * time.Second
	// coldRequests is how many cache-off requests and store calls are timed, alternating.
	coldRequests = 15
	// cacheBytes is the response cache of the hot server, as spatlas serve has it by default.
	cacheBytes = 256 << 20
	// wrk's load: two threads, eight connections, as on a small machine.
	wrkThreads, wrkConns = 2, 8
	// wrkTimeout is how long wrk waits for a response before counting a timeout.
	wrkTimeout = 10 * time.Second
)

// itemsBBox is the bbox of itemsPath.
func itemsBBox() *[4]float64 { return &[4]float64{-1.35, 54.50, -1.10, 54.62} }

// hotRounds is how many wrk rounds fit the budget: at most rounds, at least one.
func hotRounds(rounds int, d time.Duration) int {
	return min(rounds, max(1, int(hotBudget/(2*d))))
}

// items measures the items endpoint hot against a trivial server returning the same bytes, and
// cold against the bare store call.
func (b *bench) items(ctx context.Context) ([]verdict, error) {
	if err := b.ensureLoaded(ctx); err != nil {
		return nil, err
	}
	client := &http.Client{
		Timeout: time.Minute,
		// wrk asks for no compression; neither do these requests.
		Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4},
	}
	defer client.CloseIdleConnections()

	hot, err := startServer(ctx, server.New(server.Config{Features: b.db, CacheBytes: cacheBytes}))
	if err != nil {
		return nil, err
	}
	defer hot.stop()
	body, ctype, page, err := itemsResponse(ctx, client, hot.url)
	if err != nil {
		return nil, err
	}
	trivial, err := startServer(ctx, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	if err != nil {
		return nil, err
	}
	defer trivial.stop()
	if same, _, err := get(ctx, client, trivial.url+itemsPath); err != nil || !bytes.Equal(same, body) {
		return nil, fmt.Errorf("the trivial server does not return the same bytes (err %v)", err)
	}

	fmt.Fprintf(b.out, "\n2. Items endpoint: GET %s\n", itemsPath)
	fmt.Fprintf(b.out, "   response  200, %s, %s bytes (identity), %s features of %s matched\n",
		ctype, thousands(int64(len(body))), thousands(int64(page.NumberReturned)), thousands(page.NumberMatched))
	hotV, err := b.hot(ctx, hot.url, trivial.url)
	if err != nil {
		return nil, err
	}
	coldV, err := b.cold(ctx, client, page.NumberReturned)
	if err != nil {
		return nil, err
	}
	return []verdict{hotV, coldV}, nil
}

// itemsPage is what the benchmark checks of the items response.
type itemsPage struct {
	NumberMatched  int64             `json:"numberMatched"`
	NumberReturned int               `json:"numberReturned"`
	Features       []json.RawMessage `json:"features"`
}

// itemsResponse gets the measured request from the server at base twice, and returns its body,
// content type and page once it holds features and the cache returns the same bytes again.
func itemsResponse(ctx context.Context, client *http.Client, base string) ([]byte, string, itemsPage, error) {
	var page itemsPage
	body, ctype, err := get(ctx, client, base+itemsPath)
	if err != nil {
		return nil, "", page, err
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, "", page, fmt.Errorf("items response: %w", err)
	}
	if page.NumberReturned == 0 || page.NumberReturned != len(page.Features) {
		return nil, "", page, fmt.Errorf("items response: numberReturned %d with %d features: want the same, and some",
			page.NumberReturned, len(page.Features))
	}
	if again, _, err := get(ctx, client, base+itemsPath); err != nil || !bytes.Equal(again, body) {
		return nil, "", page, fmt.Errorf("items response not repeatable from the cache (err %v)", err)
	}
	return body, ctype, page, nil
}

// hotRound is one round of wrk against spatlas and the trivial server, first the one named.
type hotRound struct {
	first   string
	spatlas wrkResult
	trivial wrkResult
}

// hot runs wrk against the spatlas server and the trivial one in turn, and compares their
// requests per second.
func (b *bench) hot(ctx context.Context, spatlasURL, trivialURL string) (verdict, error) {
	n := hotRounds(b.cfg.rounds, b.cfg.duration)
	fmt.Fprintf(b.out, "\n   Hot (response cache on, %d MiB) against a trivial in-memory Go server returning the same bytes:\n", cacheBytes>>20)
	fmt.Fprintf(b.out, "   wrk -t%d -c%d -d%s --timeout %s --latency over loopback, %d rounds, the two alternating;\n",
		wrkThreads, wrkConns, wrkDuration(b.cfg.duration), wrkDuration(wrkTimeout), n)
	fmt.Fprintf(b.out, "   errors = wrk's socket errors and timeouts\n")
	var rounds []hotRound
	for r := range n {
		rd, err := b.hotRound(ctx, r, spatlasURL, trivialURL)
		if err != nil {
			return verdict{}, err
		}
		rounds = append(rounds, rd)
	}
	var sRPS, tRPS, ratios []float64
	t := b.table("   ", tabwriter.AlignRight)
	t.row("round", "first", "spatlas req/s", "p50", "p99", "errors", "trivial req/s", "p50", "p99", "errors", "spatlas/trivial")
	for i, rd := range rounds {
		sRPS, tRPS = append(sRPS, rd.spatlas.rps), append(tRPS, rd.trivial.rps)
		ratios = append(ratios, rd.spatlas.rps/rd.trivial.rps)
		t.row(fmt.Sprint(i+1), rd.first,
			fmt.Sprintf("%.0f", rd.spatlas.rps), millis(rd.spatlas.p50), millis(rd.spatlas.p99), fmt.Sprint(rd.spatlas.socketErrors),
			fmt.Sprintf("%.0f", rd.trivial.rps), millis(rd.trivial.p50), millis(rd.trivial.p99), fmt.Sprint(rd.trivial.socketErrors),
			fmt.Sprintf("%.3f", ratios[i]))
	}
	ms, mt := median(sRPS), median(tRPS)
	ratio := median(ratios) // the pairs ran back to back: see boundaries
	t.row("median", "", fmt.Sprintf("%.0f", ms), "", "", "", fmt.Sprintf("%.0f", mt), "", "", "", fmt.Sprintf("%.3f", ratio))
	if err := t.flush(); err != nil {
		return verdict{}, err
	}
	fmt.Fprintf(b.out, "   spatlas/trivial: median of the round ratios %.3f (ratio of the medians %.3f); target >= %.2f\n",
		ratio, ms/mt, hotTarget)
	v := verdict{
		name:   "items hot",
		target: true,
		ok:     ratio >= hotTarget,
		line: fmt.Sprintf("spatlas %.0f req/s vs trivial server %.0f req/s (medians): %.2f of it; target >= %.2g",
			ms, mt, ratio, hotTarget),
	}
	fmt.Fprintf(b.out, "   %s\n", verdictWord(v))
	return v, nil
}

// hotRound runs round r (from 0): spatlas first in even rounds, the trivial server in odd ones.
func (b *bench) hotRound(ctx context.Context, r int, spatlasURL, trivialURL string) (hotRound, error) {
	rd := hotRound{first: "spatlas"}
	sides := []struct {
		name string
		url  string
		res  *wrkResult
	}{{"spatlas", spatlasURL, &rd.spatlas}, {"trivial", trivialURL, &rd.trivial}}
	if r%2 == 1 {
		rd.first = "trivial"
		sides[0], sides[1] = sides[1], sides[0]
	}
	for _, s := range sides {
		res, err := runWrk(ctx, s.url+itemsPath, b.cfg.duration)
		if err != nil {
			return rd, fmt.Errorf("wrk against %s: %w", s.name, err)
		}
		b.logger.Info("wrk", "round", r+1, "server", s.name, "requests_per_sec", res.rps, "p50", res.p50, "p99", res.p99)
		if res.socketErrors > 0 {
			b.logger.Warn("wrk saw socket errors or timeouts", "round", r+1, "server", s.name, "errors", res.socketErrors)
		}
		*s.res = res
	}
	return rd, nil
}

// cold times the request with the response cache off against the store call that serves it.
func (b *bench) cold(ctx context.Context, client *http.Client, features int) (verdict, error) {
	cold, err := startServer(ctx, server.New(server.Config{Features: b.db, CacheBytes: 0}))
	if err != nil {
		return verdict{}, err
	}
	defer cold.stop()
	z := itemsZoom
	q := spatlas.FeatureQuery{Collection: spatlas.MustCollection(itemsCollection), BBox: itemsBBox(), Limit: itemsLimit, Zoom: &z}
	httpSide := func() (time.Duration, error) {
		start := time.Now()
		_, _, err := get(ctx, client, cold.url+itemsPath)
		return time.Since(start), err
	}
	storeSide := func() (time.Duration, error) {
		start := time.Now()
		page, err := b.db.Features(ctx, q)
		d := time.Since(start)
		if err == nil && page.NumberReturned != features {
			err = fmt.Errorf("store returned %d features, the endpoint %d", page.NumberReturned, features)
		}
		return d, err
	}
	// One untimed call each, so that both start with warm connections and buffers.
	for _, f := range []func() (time.Duration, error){httpSide, storeSide} {
		if _, err := f(); err != nil {
			return verdict{}, err
		}
	}
	var hs, ss []time.Duration
	for i := range coldRequests {
		timeHTTP := func() error {
			d, err := httpSide()
			hs = append(hs, d)
			return err
		}
		timeStore := func() error {
			d, err := storeSide()
			ss = append(ss, d)
			return err
		}
		sides := []func() error{timeHTTP, timeStore}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, f := range sides {
			if err := f(); err != nil {
				return verdict{}, err
			}
		}
	}
	mh, msd := medianDuration(hs), medianDuration(ss)
	fmt.Fprintf(b.out, "\n   Cold (response cache off): %d sequential requests and %d store calls, alternating\n", coldRequests, coldRequests)
	t := b.table("   ", 0)
	t.row("", "median", "min", "max")
	t.row("HTTP request, cache off (store call + handler + loopback)", millis(mh), millis(minD(hs)), millis(maxD(hs)))
	t.row("bare store call db.Features (SQL, PostGIS serialisation)", millis(msd), millis(minD(ss)), millis(maxD(ss)))
	if err := t.flush(); err != nil {
		return verdict{}, err
	}
	v := verdict{
		name: "items cold",
		line: fmt.Sprintf("HTTP %s vs bare store call %s: x%.2f, %s of HTTP and handler overhead; no target set",
			millis(mh), millis(msd), mh.Seconds()/msd.Seconds(), millis(mh-msd)),
	}
	fmt.Fprintf(b.out, "   %s\n", verdictWord(v))
	return v, nil
}

func minD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func maxD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// ensureLoaded loads the items benchmark's edition unless the database holds it from the same
// source files (a full run has just loaded it).
func (b *bench) ensureLoaded(ctx context.Context) error {
	ed, err := spatlas.EditionByID(boundaryEdition)
	if err != nil {
		return err
	}
	rep, err := app.Load(ctx, b.db, b.cfg.dataDir, ed, false, b.logger)
	if err != nil {
		return err
	}
	b.logger.Info("edition ready", "edition", ed.ID, "skipped_unchanged", rep.Skipped, "duration", rep.Duration.Round(time.Millisecond))
	return nil
}

// httpServer is a server on a loopback port.
type httpServer struct {
	url  string
	srv  *http.Server
	errc chan error
}

func startServer(ctx context.Context, h http.Handler) (*httpServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &httpServer{
		url: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return ctx },
		},
		errc: make(chan error, 1),
	}
	go func() { s.errc <- s.srv.Serve(ln) }()
	return s, nil
}

// stop shuts the server down, waiting a few seconds at most for requests in flight.
func (s *httpServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	<-s.errc
}

// get fetches url and returns the body and Content-Type of a 200 response.
func get(ctx context.Context, client *http.Client, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: %w", url, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %s: %.300s", url, res.Status, body)
	}
	return body, res.Header.Get("Content-Type"), nil
}

// wrkResult is what one wrk run measured.
type wrkResult struct {
	rps      float64
	p50, p99 time.Duration
	// socketErrors counts connect, read and write errors and timeouts (requests slower than
	// wrkTimeout): a loaded machine may show a few, which are reported, not fatal.
	socketErrors int64
}

func wrkDuration(d time.Duration) string { return fmt.Sprintf("%ds", int(d/time.Second)) }

// runWrk runs wrk against url for d and parses its report.
func runWrk(ctx context.Context, url string, d time.Duration) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wrk", "-t"+strconv.Itoa(wrkThreads), "-c"+strconv.Itoa(wrkConns),
		"-d"+wrkDuration(d), "--timeout", wrkDuration(wrkTimeout), "--latency", url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("%w: %s", err, strings.TrimSpace(out.String()))
	}
	return parseWrk(out.String())
}

// parseWrk reads requests per second, the median and 99th percentile latencies and the socket
// errors from wrk's report, and fails on responses that were not 2xx or 3xx.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var haveRPS bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "Requests/sec:") && len(f) == 2:
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %w", line, err)
			}
			r.rps, haveRPS = v, true
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			return r, fmt.Errorf("wrk: %s", line)
		case strings.HasPrefix(line, "Socket errors:"):
			// Socket errors: connect 0, read 0, write 0, timeout 8
			for _, part := range strings.Split(strings.TrimPrefix(line, "Socket errors:"), ",") {
				kv := strings.Fields(part)
				if len(kv) != 2 {
					return r, fmt.Errorf("wrk: %q: unexpected format", line)
				}
				v, err := strconv.ParseInt(kv[1], 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk: %q: %w", line, err)
				}
				r.socketErrors += v
			}
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := time.ParseDuration(f[1])
			if err != nil {
				return r, fmt.Errorf("wrk: latency %q: %w", line, err)
			}
			if f[0] == "50%" {
				r.p50 = d
			} else {
				r.p99 = d
			}
		}
	}
	if !haveRPS {
		return r, errors.New("wrk: no Requests/sec in its report: " + strings.TrimSpace(out))
	}
	return r, nil
}
