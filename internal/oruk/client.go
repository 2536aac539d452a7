package oruk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Defaults of a Client's settings.
const (
	DefaultPerPage       = 100
	DefaultConcurrency   = 4
	DefaultTimeout       = 60 * time.Second
	DefaultAttempts      = 4
	DefaultBackoff       = time.Second
	DefaultMaxRetryAfter = time.Minute
	DefaultMaxPages      = 10000
	DefaultMaxBody       = 64 << 20
)

const userAgent = "spatlas-oruk/1 (+https://github.com/spatlas/spatlas)"

// Client reads the services of a live Open Referral UK API. Only Base is required; the other
// fields have defaults.
type Client struct {
	HTTP *http.Client // nil: http.DefaultClient
	// Base is the API's base URL, such as https://example.org/api/v3; the services are read
	// from Base/services (Base/Path when Path is set).
	Base string
	// Path is the services endpoint relative to Base; "" means "services". Some APIs use
	// another name ("hservices").
	Path    string
	PerPage int // services asked for per page; 0 means DefaultPerPage
	// Full fetches Base/services/{id} for each listed service that comes without
	// service_at_locations (list responses often leave them out), so that its locations are
	// known.
	Full   bool
	Logger *slog.Logger // nil: no logging

	Concurrency int // detail requests at once; 0 means DefaultConcurrency
	// Timeout bounds each request, reading the answer included; 0 means DefaultTimeout.
	Timeout time.Duration
	// Attempts is how many times a request is tried when it fails in a way that may pass (no
	// answer, HTTP 5xx, 408, 429); 0 means DefaultAttempts.
	Attempts int
	// Backoff is the wait before the second try, doubled before each further one; 0 means
	// DefaultBackoff. A Retry-After header is honoured instead, up to MaxRetryAfter (0 means
	// DefaultMaxRetryAfter).
	Backoff       time.Duration
	MaxRetryAfter time.Duration
	// MaxPages stops a listing that never ends: reaching it while the server still reports
	// more pages is an error. 0 means DefaultMaxPages.
	MaxPages int
	// MaxBody is the largest answer read, in bytes; 0 means DefaultMaxBody.
	MaxBody int64
}

// fetch is one Fetch call: the client's settings with defaults filled in.
type fetch struct {
	c             *Client
	http          *http.Client
	log           *slog.Logger
	base          *url.URL
	path          string
	perPage       int
	concurrency   int
	timeout       time.Duration
	attempts      int
	backoff       time.Duration
	maxRetryAfter time.Duration
	maxPages      int
	maxBody       int64
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Fetch reads every service of the API, page by page (GET Base/services?page=N&per_page=M,
// from page 1), until a page is empty, says it is the last (last_page, or its number reaches
// total_pages), or, for servers that answer a bare array, holds fewer than per_page services.
// With Full set it then fetches each listed service that has no service_at_locations in full,
// a few at a time. The services become an import as Read makes one, with File set to the base
// URL (o.File is ignored); rows are numbered across pages in the order the server gave them.
//
// Requests that fail in a way that may pass are tried again; any other failure ends the fetch
// with an error naming the URL, and with the HTTP status and the start of the answer when there
// was one. Nothing is returned from a fetch that did not finish: an import is all of the API or
// an error.
func (c *Client) Fetch(ctx context.Context, o Options) (*spatlas.Import, error) {
	f, err := c.start()
	if err != nil {
		return nil, err
	}
	o.File = c.Base
	svcs, err := f.list(ctx)
	if err != nil {
		return nil, err
	}
	if c.Full {
		if err := f.details(ctx, svcs); err != nil {
			return nil, err
		}
	}
	b := newBuilder(o)
	for _, s := range svcs {
		b.add(s)
	}
	f.log.Info("read Open Referral API", "base", c.Base, "services", len(svcs),
		"assets", len(b.im.Assets), "rejected", len(b.im.Rejected), "unlocated", len(b.im.Unlocated),
		"excluded", len(b.im.Excluded))
	return b.im, nil
}

// start checks the client's settings and fills in the defaults.
func (c *Client) start() (*fetch, error) {
	base, err := url.Parse(strings.TrimSpace(c.Base))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, spatlas.Errorf(spatlas.EINVALID,
			"Open Referral API base URL %q is not an http or https URL (such as https://example.org/api)", c.Base)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	f := &fetch{
		c:             c,
		http:          c.HTTP,
		log:           c.Logger,
		base:          base,
		path:          strings.Trim(c.Path, "/"),
		perPage:       orDefault(c.PerPage, DefaultPerPage),
		concurrency:   orDefault(c.Concurrency, DefaultConcurrency),
		timeout:       orDefault(c.Timeout, DefaultTimeout),
		attempts:      orDefault(c.Attempts, DefaultAttempts),
		backoff:       orDefault(c.Backoff, DefaultBackoff),
		maxRetryAfter: orDefault(c.MaxRetryAfter, DefaultMaxRetryAfter),
		maxPages:      orDefault(c.MaxPages, DefaultMaxPages),
		maxBody:       orDefault(c.MaxBody, DefaultMaxBody),
	}
	if f.http == nil {
		f.http = http.DefaultClient
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.path == "" {
		f.path = "services"
	}
	return f, nil
}

// endpoint returns the URL of a path under the base, with query parameters.
func (f *fetch) endpoint(q url.Values, segments ...string) string {
	u := *f.base
	for _, s := range segments {
		u.Path += "/" + s
	}
	if len(q) > 0 {
		all := u.Query()
		for k, v := range q {
			all[k] = v
		}
		u.RawQuery = all.Encode()
	}
	return u.String()
}

// list reads the pages of the services endpoint and returns their services.
func (f *fetch) list(ctx context.Context) ([]*service, error) {
	var svcs []*service
	firstID := "" // the id of the first service of the previous page
	for page := 1; ; page++ {
		if page > f.maxPages {
			return nil, spatlas.Errorf(spatlas.EUNAVAILABLE,
				"%s: stopped after %d pages and the server still reports more; it may be repeating itself (raise the page limit if the directory is that large)",
				f.endpoint(nil, f.path), f.maxPages)
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(f.perPage)}}
		u := f.endpoint(q, f.path)
		body, err := f.get(ctx, u)
		if err != nil {
			return nil, err
		}
		doc, err := parseDocument(u, body)
		if err != nil {
			return nil, err
		}
		if !doc.list && !doc.array {
			return nil, spatlas.Errorf(spatlas.EINVALID,
				"%s: answered one record, not a list of services; is the base URL that of the API?", u)
		}
		var got []*service
		for i, raw := range doc.items {
			ss, err := decodeRecord(u, fmt.Sprintf("record %d", i+1), raw, nil)
			if err != nil {
				return nil, err
			}
			got = append(got, ss...)
		}
		f.log.Debug("read a page of services", "url", u, "services", len(got), "total_pages", doc.totalPages)
		if len(got) > 0 {
			id := string(got[0].ID)
			if page > 1 && id != "" && id == firstID {
				if doc.array {
					// A server that ignores the paging parameters: the first page was all.
					f.log.Info("the server repeats its first page: it does not page", "url", u)
					break
				}
				return nil, spatlas.Errorf(spatlas.EUNAVAILABLE,
					"%s: the server answered the same services as for page %d: it seems to ignore the page parameter",
					u, page-1)
			}
			firstID = id
		}
		svcs = append(svcs, got...)
		switch {
		case len(got) == 0, doc.empty, doc.lastPage:
		case doc.totalPages >= 0 && page >= doc.totalPages:
		case doc.array && len(doc.items) < f.perPage:
		default:
			continue
		}
		if doc.totalItems >= 0 && doc.totalItems != len(svcs) {
			f.log.Warn("the server's total_items differs from the services read",
				"url", u, "total_items", doc.totalItems, "read", len(svcs))
		}
		break
	}
	return svcs, nil
}

// details replaces each service that has no service_at_locations by its full record, fetched
// from the services endpoint a few at a time. Services listed twice are fetched once.
func (f *fetch) details(ctx context.Context, svcs []*service) error {
	full := map[string]*service{}
	var ids []string
	for _, s := range svcs {
		if len(s.ServiceAtLocations) > 0 || s.ID == "" {
			continue
		}
		if _, ok := full[string(s.ID)]; !ok {
			full[string(s.ID)] = nil
			ids = append(ids, string(s.ID))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	f.log.Info("fetching services in full", "services", len(ids), "concurrency", f.concurrency)
	got := make([]*service, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(f.concurrency)
	for i, id := range ids {
		g.Go(func() error {
			s, err := f.detail(gctx, id)
			got[i] = s
			return err
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("fetching services from %s: %w", f.c.Base, ctx.Err())
		}
		return err
	}
	for i, id := range ids {
		full[id] = got[i]
	}
	for i, s := range svcs {
		if d := full[string(s.ID)]; d != nil {
			if d.Organization == nil {
				d.Organization = s.Organization
			}
			// A copy, so that a service listed twice is two records, as in the list.
			c := *d
			svcs[i] = &c
		}
	}
	return nil
}

// detail fetches one service in full.
func (f *fetch) detail(ctx context.Context, id string) (*service, error) {
	u := f.endpoint(nil, f.path, url.PathEscape(id))
	body, err := f.get(ctx, u)
	if err != nil {
		return nil, err
	}
	doc, err := parseDocument(u, body)
	if err != nil {
		return nil, err
	}
	if doc.list || doc.array || len(doc.items) != 1 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: answered a list, not the service %s", u, id)
	}
	ss, err := decodeRecord(u, "the service", doc.items[0], nil)
	if err != nil {
		return nil, err
	}
	if len(ss) != 1 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: answered %d services, not the service %s", u, len(ss), id)
	}
	s := ss[0]
	s.full = true
	switch {
	case s.ID == "":
		s.ID = text(id)
	case string(s.ID) != id:
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: answered the service %s, not %s", u, s.ID, id)
	}
	return s, nil
}

// get fetches a URL, trying again when that may help, and returns the answer's body.
func (f *fetch) get(ctx context.Context, u string) ([]byte, error) {
	wait := f.backoff
	for attempt := 1; ; attempt++ {
		body, err := f.try(ctx, u)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", u, ctx.Err())
		}
		var re *requestError
		if !errors.As(err, &re) || !re.transient() || attempt >= f.attempts {
			return nil, describe(err, attempt)
		}
		d := wait
		if re.retryAfter > 0 {
			d = min(re.retryAfter, f.maxRetryAfter)
		}
		f.log.Warn("request failed; trying again", "url", u, "attempt", attempt, "wait", d, "err", err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s: %w", u, ctx.Err())
		case <-t.C:
		}
		wait *= 2
	}
}

// requestError is a request that failed: no answer (status 0), or an answer other than 200.
type requestError struct {
	url        string
	status     int
	statusText string // "404 Not Found"
	excerpt    string // the start of the answer's body
	err        error  // why there was no answer
	retryAfter time.Duration
}

func (e *requestError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("%s: %v", e.url, e.err)
	}
	msg := fmt.Sprintf("%s answered HTTP %s", e.url, e.statusText)
	if e.excerpt != "" {
		msg += ": " + e.excerpt
	}
	return msg
}

func (e *requestError) Unwrap() error { return e.err }

// transient says whether trying again may succeed.
func (e *requestError) transient() bool {
	return e.status == 0 || e.status >= 500 || e.status == http.StatusRequestTimeout ||
		e.status == http.StatusTooManyRequests
}

// describe turns a failed request into the error a user sees.
func describe(err error, attempts int) error {
	var re *requestError
	if !errors.As(err, &re) {
		return err
	}
	tries := ""
	if attempts > 1 {
		tries = fmt.Sprintf(" (tried %d times)", attempts)
	}
	code := spatlas.EUNAVAILABLE
	if re.status >= 400 && re.status < 500 && !re.transient() {
		code = spatlas.EINVALID // the URL is wrong
	}
	return spatlas.Errorf(code, "%v%s", re, tries)
}

// try makes one GET of u within the per-request timeout.
func (f *fetch) try(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %v", u, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := f.http.Do(req)
	if err != nil {
		return nil, &requestError{url: u, err: noAnswer(ctx, err, f.timeout)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &requestError{
			url:        u,
			status:     resp.StatusCode,
			statusText: resp.Status,
			excerpt:    excerpt(head, 200),
			retryAfter: retryAfter(resp.Header.Get("Retry-After")),
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return nil, &requestError{url: u, err: noAnswer(ctx, err, f.timeout)}
	}
	if int64(len(body)) > f.maxBody {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: the answer is larger than %d bytes", u, f.maxBody)
	}
	return body, nil
}

// noAnswer says why a request got no (whole) answer.
func noAnswer(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %v", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err // the URL is given with the error
	}
	return err
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when absent or past.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(n, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// excerpt returns the start of a body on one line, at most n bytes of valid UTF-8.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
