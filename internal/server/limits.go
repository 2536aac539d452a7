package server

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// retryAfterUnavailable is the Retry-After, in seconds, of every 503: long enough for a busy pool
// to drain or a restarting database to come back, short enough for a dashboard to recover soon.
const retryAfterUnavailable = "2"

// refuseBody answers a GET, HEAD or OPTIONS request that announces a body (a Content-Length
// above 0 or a chunked transfer) with 400 at once, before any handler runs, and closes the
// connection rather than wait for a body that may never come.
func refuseBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
				w.Header().Set("Connection", "close")
				writeErrorBody(w, http.StatusBadRequest, spatlas.EINVALID,
					"a "+r.Method+" request must not have a body")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address a request came from, without its port: the key of the rate limit and
// the client of the access log. Forwarding headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimiter is a token bucket per client: each holds up to burst tokens, refilled at rate a
// second, and a request takes one. Buckets that have refilled are dropped once a minute, so the
// map holds only clients seen lately.
type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter returns a limiter of rate requests a second with bursts of burst, or nil (no
// limit) when rate <= 0. A burst below 1 is taken as 1.
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if rate <= 0 {
		return nil
	}
	return &rateLimiter{rate: rate, burst: math.Max(1, float64(burst)), now: now,
		buckets: make(map[string]*bucket), lastSweep: now()}
}

// allow takes a token from key's bucket. When there is none it returns false and how long until
// one is back.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// sweep drops the buckets that are full again: their clients start afresh anyway.
func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	l.lastSweep = now
}

// rateLimit answers a client over its limit with 429 and a Retry-After in whole seconds. A nil
// limiter lets everything through.
func rateLimit(l *rateLimiter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if l == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ok, wait := l.allow(clientIP(r)); !ok {
				secs := max(1, int(math.Ceil(wait.Seconds())))
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				writeErrorBody(w, http.StatusTooManyRequests, spatlas.EUNAVAILABLE,
					"too many requests from this address; retry after "+strconv.Itoa(secs)+" s")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// slots bounds how many of one kind of work run at once. A request waits at most wait for a
// slot, then gets EUNAVAILABLE (503 with Retry-After).
type slots struct {
	ch   chan struct{}
	wait time.Duration
	what string
}

func newSlots(n int, wait time.Duration, what string) *slots {
	return &slots{ch: make(chan struct{}, max(1, n)), wait: wait, what: what}
}

// acquire takes a slot; the returned function gives it back.
func (s *slots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }, nil
	default:
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "too many %s at once; retry shortly", s.what)
	}
}
