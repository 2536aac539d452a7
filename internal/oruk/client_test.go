package oruk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

// directory is an Open Referral API over a few services: GET /services pages them in the HSDS 3
// envelope without their locations, as list endpoints do; GET /services/{id} answers one in
// full. It counts the requests to each URL and the most it served at once.
type directory struct {
	services []map[string]any
	delay    time.Duration // how long each answer takes
	// fail, when set, may answer a request instead (status, body); status 0 lets it through.
	fail func(r *http.Request, n int) (int, string)

	mu                    sync.Mutex
	hits                  map[string]int
	inFlight, maxInFlight int
}

// newDirectory returns a directory of n services; service k (1-based) is at a location in
// Bristol unless k is in noLocation.
func newDirectory(n int, noLocation ...int) *directory {
	d := &directory{hits: map[string]int{}}
	for k := 1; k <= n; k++ {
		s := map[string]any{
			"id": fmt.Sprintf("s%d", k), "name": fmt.Sprintf("Service %d", k), "status": "active",
			"organization": map[string]any{"id": "o", "name": "Org"},
		}
		sals := []any{}
		if !containsInt(noLocation, k) {
			sals = append(sals, map[string]any{"id": fmt.Sprintf("sal%d", k), "location": map[string]any{
				"id": fmt.Sprintf("L%d", k), "latitude": 51.45 + float64(k)/1000, "longitude": -2.58,
			}})
		}
		s["service_at_locations"] = sals
		d.services = append(d.services, s)
	}
	return d
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (d *directory) count(url string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits[url]
}

func (d *directory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.hits[r.URL.RequestURI()]++
	n := d.hits[r.URL.RequestURI()]
	d.inFlight++
	d.maxInFlight = max(d.maxInFlight, d.inFlight)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.inFlight--
		d.mu.Unlock()
	}()
	if d.delay > 0 {
		select {
		case <-time.After(d.delay):
		case <-r.Context().Done():
			return
		}
	}
	if d.fail != nil {
		if status, body := d.fail(r, n); status != 0 {
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1") // more than the tests' MaxRetryAfter
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if id, ok := strings.CutPrefix(r.URL.Path, "/services/"); ok {
		for _, s := range d.services {
			if s["id"] == id {
				json.NewEncoder(w).Encode(s)
				return
			}
		}
		http.Error(w, `{"error": "no such service"}`, http.StatusNotFound)
		return
	}
	if r.URL.Path != "/services" {
		http.NotFound(w, r)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if page < 1 || per < 1 {
		http.Error(w, "bad paging", http.StatusBadRequest)
		return
	}
	pages := (len(d.services) + per - 1) / per
	var contents []map[string]any
	for i := (page - 1) * per; i < min(page*per, len(d.services)); i++ {
		item := map[string]any{}
		for k, v := range d.services[i] {
			if k != "service_at_locations" {
				item[k] = v
			}
		}
		contents = append(contents, item)
	}
	json.NewEncoder(w).Encode(map[string]any{
		"total_items": len(d.services), "total_pages": pages, "page_number": page, "size": per,
		"first_page": page == 1, "last_page": page >= pages, "empty": len(contents) == 0,
		"contents": contents,
	})
}

// quick returns a client of the server with short waits, for tests.
func quick(base string) *Client {
	return &Client{Base: base, PerPage: 2, Full: true, Backoff: time.Millisecond, MaxRetryAfter: 50 * time.Millisecond, Timeout: 5 * time.Second}
}

func TestFetchPaged(t *testing.T) {
	d := newDirectory(5, 3)
	d.delay = 10 * time.Millisecond
	srv := httptest.NewServer(d)
	defer srv.Close()

	c := quick(srv.URL + "/")
	c.Concurrency = 2
	im, err := c.Fetch(t.Context(), Options{Dataset: "oruk-test", File: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, im)
	if im.File != srv.URL+"/" || im.Dataset != "oruk-test" {
		t.Errorf("dataset %q file %q", im.Dataset, im.File)
	}
	if im.RowsRead != 5 || len(im.Assets) != 4 || len(im.Unlocated) != 1 || im.Totals["services"] != 5 {
		t.Fatalf("rows %d assets %d unlocated %+v totals %v", im.RowsRead, len(im.Assets), im.Unlocated, im.Totals)
	}
	for i, a := range im.Assets {
		row := []int{1, 2, 4, 5}[i]
		if want := fmt.Sprintf("s%d@L%d", row, row); a.SourceID != want || a.Row != row || a.File != srv.URL+"/" {
			t.Errorf("asset %d: %+v, want source id %s row %d", i, a, want, row)
		}
	}
	if u := im.Unlocated[0]; u.ID != "s3" || u.Row != 3 || u.Reason != "no service_at_locations, even in the service's full record" {
		t.Errorf("unlocated %+v", u)
	}
	for page := 1; page <= 3; page++ {
		if n := d.count(fmt.Sprintf("/services?page=%d&per_page=2", page)); n != 1 {
			t.Errorf("page %d asked for %d times", page, n)
		}
	}
	if n := d.count("/services?page=4&per_page=2"); n != 0 {
		t.Errorf("page 4 asked for %d times: total_pages is 3", n)
	}
	for k := 1; k <= 5; k++ {
		if n := d.count(fmt.Sprintf("/services/s%d", k)); n != 1 {
			t.Errorf("service s%d fetched %d times", k, n)
		}
	}
	if d.maxInFlight > 2 {
		t.Errorf("%d requests at once, concurrency is 2", d.maxInFlight)
	}
	if d.maxInFlight < 2 {
		t.Errorf("detail requests were not concurrent (at most %d at once)", d.maxInFlight)
	}

	t.Run("list only", func(t *testing.T) {
		d := newDirectory(5)
		srv := httptest.NewServer(d)
		defer srv.Close()
		c := quick(srv.URL)
		c.Full = false
		im, err := c.Fetch(t.Context(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if im.RowsRead != 5 || len(im.Unlocated) != 5 || d.count("/services/s1") != 0 {
			t.Errorf("rows %d unlocated %d, detail requests %d", im.RowsRead, len(im.Unlocated), d.count("/services/s1"))
		}
	})
}

func TestFetchShapes(t *testing.T) {
	services := func(ids ...string) []map[string]any {
		var out []map[string]any
		for _, id := range ids {
			out = append(out, map[string]any{"id": id, "name": id, "status": "active"})
		}
		return out
	}
	tests := []struct {
		name    string
		handler func(page int) any // the answer to a page
		path    string
		pages   int    // pages expected to be asked for
		ids     string // the services read, in order
		err     string // part of the error; "" for none
	}{
		{
			name: "bare arrays, paged",
			handler: func(page int) any {
				return [][]map[string]any{services("a", "b"), services("c")}[min(page, 2)-1]
			},
			pages: 2, ids: "a b c",
		},
		{
			name:    "bare array, paging ignored",
			handler: func(int) any { return services("a", "b", "c") },
			pages:   2, ids: "a b c",
		},
		{
			name: "older ORUK envelope, last flag",
			handler: func(page int) any {
				return map[string]any{"totalElements": 3, "number": page, "last": page == 2,
					"content": [][]map[string]any{services("a", "b"), services("c")}[min(page, 2)-1]}
			},
			pages: 2, ids: "a b c",
		},
		{
			name: "envelope without total_pages ends on an empty page",
			handler: func(page int) any {
				if page > 2 {
					return map[string]any{"contents": []any{}}
				}
				return map[string]any{"contents": services(fmt.Sprint("p", page, "a"), fmt.Sprint("p", page, "b"))}
			},
			pages: 3, ids: "p1a p1b p2a p2b",
		},
		{
			name:    "custom services path",
			path:    "hservices",
			handler: func(int) any { return map[string]any{"total_pages": 1, "contents": services("a")} },
			pages:   1, ids: "a",
		},
		{
			name:    "envelope repeating its first page",
			handler: func(int) any { return map[string]any{"contents": services("a", "b")} },
			pages:   2, err: "page=2&per_page=2: the server answered the same services as for page 1",
		},
		{
			name: "a server that never ends",
			handler: func(page int) any {
				return map[string]any{"contents": services(fmt.Sprint("p", page))}
			},
			pages: 5, err: "stopped after 5 pages and the server still reports more",
		},
		{
			name:    "one record instead of a list",
			handler: func(int) any { return services("a")[0] },
			pages:   1, err: "answered one record, not a list of services",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/services"
			if tt.path != "" {
				path = "/" + tt.path
			}
			var mu sync.Mutex
			asked := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != path {
					http.NotFound(w, r)
					return
				}
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				mu.Lock()
				asked++
				mu.Unlock()
				json.NewEncoder(w).Encode(tt.handler(page))
			}))
			defer srv.Close()
			c := quick(srv.URL)
			c.Path = tt.path
			c.MaxPages = 5
			c.Full = false
			im, err := c.Fetch(t.Context(), Options{})
			if asked != tt.pages {
				t.Errorf("%d pages asked for, want %d", asked, tt.pages)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, u := range im.Unlocated {
				ids = append(ids, u.ID)
			}
			if got := strings.Join(ids, " "); got != tt.ids {
				t.Errorf("services %q, want %q", got, tt.ids)
			}
			checkBalance(t, im)
		})
	}
}

func TestFetchFailures(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(r *http.Request, n int) (int, string)
		attempts int
		timeout  time.Duration
		delay    time.Duration
		err      []string // parts of the error; nil for success
		code     string
		hits     map[string]int // requests expected per URL
		minTime  time.Duration  // the fetch takes at least this long
		maxTime  time.Duration  // and at most this long, when set
	}{
		{
			name: "500 then success",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services" && r.URL.Query().Get("page") == "2" && n == 1 {
					return 500, "boom"
				}
				return 0, ""
			},
			hits: map[string]int{"/services?page=2&per_page=2": 2, "/services?page=3&per_page=2": 1},
		},
		{
			name: "429 with Retry-After, capped",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services/s2" && n == 1 {
					return 429, "slow down"
				}
				return 0, ""
			},
			hits:    map[string]int{"/services/s2": 2},
			minTime: 50 * time.Millisecond, // Retry-After 1 s, capped at MaxRetryAfter, not Backoff's 1 ms
			maxTime: 900 * time.Millisecond,
		},
		{
			name: "permanent 500",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services" {
					return 503, "  <html>\n  down   for maintenance </html>"
				}
				return 0, ""
			},
			attempts: 3,
			err:      []string{"/services?page=1&per_page=2 answered HTTP 503 Service Unavailable: <html> down for maintenance </html> (tried 3 times)"},
			code:     spatlas.EUNAVAILABLE,
			hits:     map[string]int{"/services?page=1&per_page=2": 3},
		},
		{
			name: "permanent 404 of a service",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services/s4" {
					return 404, `{"message": "Service not found"}`
				}
				return 0, ""
			},
			err:  []string{"/services/s4 answered HTTP 404 Not Found: {\"message\": \"Service not found\"}"},
			code: spatlas.EINVALID,
			hits: map[string]int{"/services/s4": 1},
		},
		{
			name: "malformed JSON page",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services" && r.URL.Query().Get("page") == "2" {
					return 200, `{"contents": [{"id": "x",`
				}
				return 0, ""
			},
			err:  []string{"/services?page=2&per_page=2: not valid JSON: the document ends early"},
			code: spatlas.EINVALID,
		},
		{
			name: "a detail that is another service",
			fail: func(r *http.Request, n int) (int, string) {
				if r.URL.Path == "/services/s1" {
					return 200, `{"id": "s2", "status": "active"}`
				}
				return 0, ""
			},
			err: []string{"/services/s1: answered the service s2, not s1"},
		},
		{
			name:     "no answer in time",
			delay:    300 * time.Millisecond,
			timeout:  20 * time.Millisecond,
			attempts: 2,
			err:      []string{"/services?page=1&per_page=2: no answer within 20ms (tried 2 times)"},
			code:     spatlas.EUNAVAILABLE,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirectory(5)
			d.fail = tt.fail
			d.delay = tt.delay
			srv := httptest.NewServer(d)
			defer srv.Close()
			c := quick(srv.URL)
			c.Attempts = tt.attempts
			if tt.timeout > 0 {
				c.Timeout = tt.timeout
			}
			start := time.Now()
			im, err := c.Fetch(t.Context(), Options{})
			if took := time.Since(start); took < tt.minTime || (tt.maxTime > 0 && took > tt.maxTime) {
				t.Errorf("took %v, want %v to %v", took, tt.minTime, tt.maxTime)
			}
			for url, n := range tt.hits {
				if got := d.count(url); got != n {
					t.Errorf("%s asked for %d times, want %d", url, got, n)
				}
			}
			if tt.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(im.Assets) != 5 {
					t.Errorf("%d assets, want 5", len(im.Assets))
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.err {
				if !strings.Contains(err.Error(), srv.URL+w) && !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the URL", err)
			}
			if tt.code != "" && spatlas.ErrorCode(err) != tt.code {
				t.Errorf("code %q, want %q", spatlas.ErrorCode(err), tt.code)
			}
		})
	}
}

func TestFetchCancel(t *testing.T) {
	tests := []struct {
		name string
		path string // the requests that hang
	}{
		{"while listing", "/services"},
		{"while fetching details", "/services/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			arrived := make(chan struct{}, 16)
			d := newDirectory(5)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == tt.path || (tt.path == "/services/" && strings.HasPrefix(r.URL.Path, tt.path)) {
					arrived <- struct{}{}
					<-r.Context().Done()
					return
				}
				d.ServeHTTP(w, r)
			}))
			defer srv.Close()
			go func() {
				<-arrived
				cancel()
			}()
			start := time.Now()
			_, err := quick(srv.URL).Fetch(ctx, Options{})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the URL", err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v to stop", took)
			}
		})
	}
}

func TestFetchBadBase(t *testing.T) {
	for _, base := range []string{"", "example.org/api", "ftp://example.org/api", "http://"} {
		t.Run(base, func(t *testing.T) {
			_, err := (&Client{Base: base}).Fetch(t.Context(), Options{})
			if spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), "not an http or https URL") {
				t.Errorf("error %v", err)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name, v string
		min     time.Duration
		max     time.Duration
	}{
		{"absent", "", 0, 0},
		{"seconds", "3", 3 * time.Second, 3 * time.Second},
		{"negative", "-3", 0, 0},
		{"date", time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat), 8 * time.Second, 10 * time.Second},
		{"past date", "Wed, 21 Oct 2015 07:28:00 GMT", 0, 0},
		{"rubbish", "soon", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.v); got < tt.min || got > tt.max {
				t.Errorf("retryAfter(%q) = %v, want %v to %v", tt.v, got, tt.min, tt.max)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", " a \n b ", 10, "a b"},
		{"cut", "abcdefghij", 4, "abcd..."},
		{"cut before a multibyte rune", "aé", 2, "a..."},
		{"invalid UTF-8", "a\xffb", 10, "a?b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := excerpt([]byte(tt.in), tt.n); got != tt.want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

// TestFetchBristol serves the real Bristol sample as a paged API: 819 services in pages of 100.
func TestFetchBristol(t *testing.T) {
	path := filepath.Join(testenv.DataDir(t), "openreferral-uk-live-samples", "Bristol Council.json.gz")
	r, err := textio.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	err = json.NewDecoder(r).Decode(&all)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	d := &directory{services: all, hits: map[string]int{}}
	srv := httptest.NewServer(d)
	defer srv.Close()
	c := quick(srv.URL)
	c.PerPage = 100
	c.Full = false
	im, err := c.Fetch(t.Context(), Options{Dataset: "openreferral-uk-live-samples"})
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, im)
	if im.RowsRead != 819 || len(im.Unlocated) != 818 || len(im.Excluded) != 1 || len(im.Assets) != 0 {
		t.Errorf("rows %d assets %d unlocated %d excluded %d; want 819 0 818 1",
			im.RowsRead, len(im.Assets), len(im.Unlocated), len(im.Excluded))
	}
	if n := d.count("/services?page=9&per_page=100"); n != 1 {
		t.Errorf("page 9 asked for %d times", n)
	}
	if n := d.count("/services?page=10&per_page=100"); n != 0 {
		t.Errorf("page 10 asked for %d times", n)
	}
	if len(im.Excluded) == 1 && (im.Excluded[0].Row != 811 || im.Excluded[0].Reason != "duplicate of record 374") {
		t.Errorf("excluded %+v", im.Excluded[0])
	}
}
