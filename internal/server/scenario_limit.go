package server

import (
	"sync"
	"time"
)

// DefaultScenarioRate is how many scenarios or suggestions a client may create per minute.
const DefaultScenarioRate = 30

// rateLimiter is a token bucket per client: perMinute tokens a minute, as many in a burst.
type rateLimiter struct {
	perMinute float64
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(perMinute int) *rateLimiter {
	if perMinute <= 0 {
		perMinute = DefaultScenarioRate
	}
	return &rateLimiter{perMinute: float64(perMinute), now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes a token of client's bucket, or says how long until one is free.
func (l *rateLimiter) allow(client string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > 10000 { // forget full buckets, so the map stays small
		for c, b := range l.buckets {
			if l.refill(b, now) >= l.perMinute {
				delete(l.buckets, c)
			}
		}
	}
	b := l.buckets[client]
	if b == nil {
		b = &bucket{tokens: l.perMinute, at: now}
		l.buckets[client] = b
	}
	b.tokens, b.at = l.refill(b, now), now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.perMinute * float64(time.Minute)), false
	}
	b.tokens--
	return 0, true
}

func (l *rateLimiter) refill(b *bucket, now time.Time) float64 {
	return min(l.perMinute, b.tokens+now.Sub(b.at).Minutes()*l.perMinute)
}
