package server

import (
	"context"
	"strings"
	"sync"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// catalog keeps the store's collection list for the current data generation, so that validating
// a request does not cost a database round trip.
type catalog struct {
	svc  spatlas.FeatureService
	gens *generations

	mu   sync.Mutex
	snap *collections
}

// collections is the collection list of one generation. It is never modified.
type collections struct {
	gen  int64
	list []spatlas.Collection
	byID map[string]int
}

func newCatalog(svc spatlas.FeatureService, gens *generations) *catalog {
	return &catalog{svc: svc, gens: gens}
}

// current returns the collections of the current generation, loading them when it changed.
func (c *catalog) current(ctx context.Context) (*collections, error) {
	gen, err := c.gens.current(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	s := c.snap
	c.mu.Unlock()
	if s != nil && s.gen == gen {
		return s, nil
	}
	list, err := c.svc.Collections(ctx)
	if err != nil {
		return nil, err
	}
	s = &collections{gen: gen, list: list, byID: make(map[string]int, len(list))}
	for i, col := range list {
		s.byID[col.ID] = i
	}
	c.mu.Lock()
	c.snap = s
	c.mu.Unlock()
	return s, nil
}

// get returns the collection of that id, or ENOTFOUND naming the known ones.
func (s *collections) get(id string) (spatlas.Collection, error) {
	i, ok := s.byID[id]
	if !ok {
		return spatlas.Collection{}, spatlas.Errorf(spatlas.ENOTFOUND,
			"collection %q not found (collections: %s)", clip(id), s.ids())
	}
	return s.list[i], nil
}

func (s *collections) ids() string {
	if len(s.list) == 0 {
		return "none loaded"
	}
	ids := make([]string, len(s.list))
	for i, c := range s.list {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}
