package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// The targets for planning.
const (
	planWhatIfTarget   = 20 * time.Millisecond
	planICBTarget      = 500 * time.Millisecond
	planEnglandTarget  = 5 * time.Second
	planMemoryTarget   = 300 << 20
	planStartupTarget  = 3 * time.Second
	planWhatIfRepeats  = 25 // what-ifs per round
	planSyntheticSites = 100_000
)

// plan measures the planning engine on the loaded and built editions: start-up and memory, a
// what-if of one added link worker site on iod2025 against the same recomputed in PostGIS as the
// build's stages compute it, and suggestions of 10 sites from the practices in one ICB and in
// England; then the worked planning question of the issue.
func (b *bench) plan(ctx context.Context) ([]verdict, error) {
	fmt.Fprintf(b.out, "\n5. Planning engine (what-if and suggested sites) on the loaded, built editions\n")
	models, vs, err := b.planStartup(ctx)
	if err != nil {
		return nil, err
	}
	m := models["iod2025"]
	v, err := b.planWhatIf(ctx, m)
	if err != nil {
		return nil, err
	}
	vs = append(vs, v)
	sv, err := b.planSuggest(m)
	if err != nil {
		return nil, err
	}
	return append(vs, sv...), b.planQuestion(m)
}

// planStartup loads both editions' models from the store, timing it, then measures the heap
// of both with 100,000 synthetic assets added.
func (b *bench) planStartup(ctx context.Context) (map[string]*engine.Model, []verdict, error) {
	start := time.Now()
	models := map[string]*engine.Model{}
	inputs := map[string]*engine.Input{}
	var mu sync.Mutex
	var g errgroup.Group
	for _, ed := range []string{"iod2019", "iod2025"} { // at once, as serve loads them
		g.Go(func() error {
			bi, err := b.db.BuildInfo(ctx, ed)
			if err != nil {
				return err
			}
			in, err := b.db.ModelInput(ctx, ed, bi.Params)
			if err != nil {
				return err
			}
			m, err := engine.New(in)
			mu.Lock()
			models[ed], inputs[ed] = m, in
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	startup := time.Since(start)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	var big []*engine.Model
	rng := rand.New(rand.NewPCG(5, 100_000))
	for _, ed := range []string{"iod2019", "iod2025"} {
		in := *inputs[ed]
		in.Assets = append(append([]engine.Site(nil), in.Assets...), syntheticSites(rng, in.LSOAs, planSyntheticSites)...)
		m, err := engine.New(&in)
		if err != nil {
			return nil, nil, err
		}
		big = append(big, m)
	}
	mem := heap() - before
	runtime.KeepAlive(big)
	fmt.Fprintf(b.out, "   start-up: both editions read from PostGIS (EWKB points) and indexed, at once, in %s\n", millis(startup))
	fmt.Fprintf(b.out, "   memory:   both editions with %s synthetic assets each: %.0f MB of heap\n", thousands(planSyntheticSites), float64(mem)/(1<<20))
	return models, []verdict{
		{name: "plan start-up", ok: startup <= planStartupTarget, target: true, line: fmt.Sprintf("%s (target <= %s)", millis(startup), seconds(planStartupTarget))},
		{name: "plan memory", ok: mem <= planMemoryTarget, target: true, line: fmt.Sprintf("%.0f MB (target <= 300 MB)", float64(mem)/(1<<20))},
	}, nil
}

// syntheticSites scatters n assets within 1 km of random LSOA points.
func syntheticSites(rng *rand.Rand, lsoas []engine.LSOA, n int) []engine.Site {
	out := make([]engine.Site, 0, n)
	for len(out) < n {
		l := lsoas[rng.IntN(len(lsoas))]
		if math.IsNaN(l.X) {
			continue
		}
		out = append(out, engine.Site{ID: fmt.Sprintf("synthetic:%d", len(out)), X: l.X + rng.Float64()*2000 - 1000,
			Y: l.Y + rng.Float64()*2000 - 1000, Supply: 1, Category: "food"})
	}
	return out
}

// planWhatIf times the what-if of one added 1 FTE link worker site at a random LSOA point of
// iod2025: the engine (p50 of planWhatIfRepeats per round) against PostGIS (one per round).
func (b *bench) planWhatIf(ctx context.Context, m *engine.Model) (verdict, error) {
	in, p := m.Input(), m.Params()
	fmt.Fprintf(b.out, "   what-if of one added link worker site (1 FTE, %.0f m catchment) on iod2025:\n", p.LinkWorkerCatchment)
	fmt.Fprintf(b.out, "     engine   Model.Evaluate: accessibility near the site, every percentile, the summary\n")
	fmt.Fprintf(b.out, "     PostGIS  the build's services and derived stages over every service plus the new one (sql/plan_postgis.sql)\n")
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() engine.LSOA {
		for {
			if l := in.LSOAs[rng.IntN(len(in.LSOAs))]; !math.IsNaN(l.X) {
				return l
			}
		}
	}
	var eng []time.Duration
	rounds, err := alternate(b.cfg.rounds, "PostGIS", func(string) (time.Duration, error) {
		var ds []time.Duration
		for range planWhatIfRepeats {
			l := pick()
			start := time.Now()
			_, err := m.Evaluate(engine.Change{Add: []engine.NewSite{{Kind: engine.LinkWorker, Site: engine.Site{X: l.X, Y: l.Y, Supply: 1}}}}, "lw_fte_per_10k")
			if err != nil {
				return 0, err
			}
			ds = append(ds, time.Since(start))
		}
		eng = append(eng, ds...)
		return medianDuration(ds), nil
	}, func(string) (time.Duration, error) {
		l := pick()
		start := time.Now()
		var n int64
		err := b.db.Pool().QueryRow(ctx, query("plan_postgis"), "iod2025", l.X, l.Y, 1.0, p.LinkWorkerCatchment,
			p.Weights[0], p.Weights[1], p.Weights[2], spatlas.RankDigits).Scan(&n)
		return time.Since(start), err
	})
	if err != nil {
		return verdict{}, err
	}
	var pg []time.Duration
	for _, r := range rounds {
		pg = append(pg, r.other)
	}
	e50, p50 := medianDuration(eng), medianDuration(pg)
	ratio := e50.Seconds() / p50.Seconds()
	fmt.Fprintf(b.out, "     engine p50 %s over %d what-ifs; PostGIS median %s; ratio 1/%.0f\n", millis(e50), len(eng), millis(p50), 1/ratio)
	return verdict{name: "plan what-if", ok: e50 <= planWhatIfTarget && ratio <= 0.01, target: true,
		line: fmt.Sprintf("engine p50 %s, PostGIS %s, ratio 1/%.0f (target <= 20 ms and <= 1/100)", millis(e50), millis(p50), 1/ratio)}, nil
}
