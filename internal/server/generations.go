package server

import (
	"context"
	"sync"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// generations remembers the store's data generation and asks again at most once per interval,
// however many requests want it. While one request asks, the others use the last value.
type generations struct {
	svc   spatlas.FeatureService
	every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	gen      int64
	at       time.Time
	valid    bool
	fetching bool
}

func newGenerations(svc spatlas.FeatureService, every time.Duration, now func() time.Time) *generations {
	return &generations{svc: svc, every: every, now: now}
}

// current returns the data generation, at most every interval old.
func (g *generations) current(ctx context.Context) (int64, error) {
	g.mu.Lock()
	if g.valid && (g.fetching || g.now().Sub(g.at) < g.every) {
		gen := g.gen
		g.mu.Unlock()
		return gen, nil
	}
	g.fetching = true
	g.mu.Unlock()

	gen, err := g.svc.Generation(ctx)

	g.mu.Lock()
	defer g.mu.Unlock()
	g.fetching = false
	if err != nil {
		return 0, err
	}
	g.gen, g.at, g.valid = gen, g.now(), true
	return gen, nil
}
