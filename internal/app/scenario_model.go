package app

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// PlanStore is what planning needs of a store (postgis.DB).
type PlanStore interface {
	// Generation changes whenever loaded or built data does.
	Generation(ctx context.Context) (int64, error)
	BuildInfo(ctx context.Context, edition string) (spatlas.Build, error)
	ModelInput(ctx context.Context, edition string, p spatlas.BuildParams) (*engine.Input, error)
	// Project transforms lon/lat to British National Grid metres and says which points lie
	// within tolerance metres of an LSOA of the edition.
	Project(ctx context.Context, edition string, lon, lat []float64, tolerance float64) (xs, ys []float64, inside []bool, err error)
	PutScenario(ctx context.Context, id, edition string, request []byte, client string, lifetime time.Duration) error
	Scenario(ctx context.Context, id string) (edition string, request []byte, created, expires time.Time, err error)
	LSOAGeometries(ctx context.Context, edition string, codes []string) (map[string]json.RawMessage, error)
	// LSOAMetric returns the published value of a numeric LSOA property for each LSOA that has one.
	LSOAMetric(ctx context.Context, edition, name string) (map[string]float64, error)
}

// DefaultScenarioLifetime is how long a scenario is kept by default.
const DefaultScenarioLifetime = 90 * 24 * time.Hour

// Planner answers what-if scenarios and suggests sites (METHODS.md, "Siting") on engine models
// of the editions, loaded on first use and reloaded when the data generation changes.
type Planner struct {
	store PlanStore
	// Lifetime is how long a scenario is kept.
	Lifetime time.Duration

	mu    sync.Mutex
	slots map[string]*modelSlot
}

// modelSlot holds an edition's model; its lock serialises the edition's loads, so that
// editions load at once.
type modelSlot struct {
	mu sync.Mutex
	m  *edModel
}

// edModel is an edition's model with what it was built from.
type edModel struct {
	generation int64
	model      *engine.Model
	build      spatlas.Build
}

// NewPlanner returns a Planner over a store.
func NewPlanner(store PlanStore, lifetime time.Duration) *Planner {
	if lifetime <= 0 {
		lifetime = DefaultScenarioLifetime
	}
	return &Planner{store: store, Lifetime: lifetime, slots: map[string]*modelSlot{}}
}

// Load loads the models of editions now, all at once (at start-up), so that the first request
// is fast.
func (p *Planner) Load(ctx context.Context, editions ...string) error {
	errs := make([]error, len(editions))
	var wg sync.WaitGroup
	for i, e := range editions {
		wg.Go(func() { _, errs[i] = p.model(ctx, e) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// model returns an edition's model, (re)loading it when the data generation changed.
func (p *Planner) model(ctx context.Context, edition string) (*edModel, error) {
	if edition == "" {
		return nil, spatlas.Errorf(spatlas.EINVALID, "edition is required")
	}
	gen, err := p.store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	slot := p.slots[edition]
	if slot == nil {
		slot = &modelSlot{}
		p.slots[edition] = slot
	}
	p.mu.Unlock()
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if m := slot.m; m != nil && m.generation == gen {
		return m, nil
	}
	b, err := p.store.BuildInfo(ctx, edition)
	if err != nil {
		return nil, err
	}
	in, err := p.store.ModelInput(ctx, edition, b.Params)
	if err != nil {
		return nil, err
	}
	m, err := engine.New(in)
	if err != nil {
		return nil, err
	}
	slot.m = &edModel{generation: gen, model: m, build: b}
	return slot.m, nil
}
