package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/taxonomy"
)

const (
	// buildAssets is how many synthetic assets join the real provision for the build benchmark.
	buildAssets = 100_000
	// buildTarget is the target for a full build of both editions.
	buildTarget = 60 * time.Second
)

// build times `spatlas build` of both editions from scratch (every stage forced), as `make run`
// runs it after a load, on the real editions and provision plus 100,000 synthetic assets. There
// is no other tool to compare with: the target is absolute. An up-to-date build (nothing changed)
// and a rebuild after a change of the gap threshold alone are timed beside it.
func (b *bench) build(ctx context.Context) (verdict, error) {
	assets, services, err := b.buildInputs(ctx)
	if err != nil {
		return verdict{}, err
	}
	fmt.Fprintf(b.out, "\n4. Metrics build: both editions from scratch, %s assets (real + %s synthetic), %s link worker services\n",
		thousands(assets), thousands(buildAssets), thousands(services))
	fmt.Fprintf(b.out, "   spatlas  app.BuildEditions of iod2019 and iod2025 at once, every stage forced (contiguity, assets,\n")
	fmt.Fprintf(b.out, "            services, gap and hotspots, aggregates); target < %s\n", seconds(buildTarget))

	params := spatlas.DefaultBuildParams()
	if _, _, err := b.buildBoth(ctx, params, true); err != nil { // warm-up
		return verdict{}, err
	}
	t := b.table("   ", tabwriter.AlignRight)
	t.row("round", "both editions", "iod2019", "iod2025", "slowest stage")
	var full []time.Duration
	for r := 1; r <= b.cfg.rounds; r++ {
		d, reps, err := b.buildBoth(ctx, params, true)
		if err != nil {
			return verdict{}, err
		}
		full = append(full, d)
		t.row(fmt.Sprint(r), seconds(d), seconds(reps[0].Duration), seconds(reps[1].Duration), slowestStep(reps))
	}
	mf := medianDuration(full)
	t.row("median", seconds(mf), "", "", "")
	if err := t.flush(); err != nil {
		return verdict{}, err
	}
	upToDate, _, err := b.buildBoth(ctx, params, false)
	if err != nil {
		return verdict{}, err
	}
	changed := params
	changed.UnderservedPct = 0.25
	derived, _, err := b.buildBoth(ctx, changed, false)
	if err != nil {
		return verdict{}, err
	}
	if _, _, err := b.buildBoth(ctx, params, false); err != nil {
		return verdict{}, err
	}
	fmt.Fprintf(b.out, "   nothing changed: %s; underserved threshold changed (gap, hotspots and aggregates only): %s\n",
		millis(upToDate), seconds(derived))
	v := verdict{
		name:   "metrics build",
		target: true,
		ok:     mf < buildTarget,
		line:   fmt.Sprintf("both editions from scratch %s (median of %d); target < %s", seconds(mf), len(full), seconds(buildTarget)),
	}
	fmt.Fprintf(b.out, "   %s\n", verdictWord(v))
	return v, nil
}

// buildInputs loads what the build benchmark builds from: both editions, the real provision
// files and buildAssets synthetic assets; it returns the assets and services the build will see.
func (b *bench) buildInputs(ctx context.Context) (assets, services int64, err error) {
	if err := b.ensureEditions(ctx); err != nil {
		return 0, 0, err
	}
	if _, err := b.db.Pool().Exec(ctx, query("assets_clear")); err != nil {
		return 0, 0, err
	}
	tx, err := taxonomy.Builtin()
	if err != nil {
		return 0, 0, err
	}
	p, err := app.NewProvision(ctx, b.db, b.cfg.dataDir, "", b.logger)
	if err != nil {
		return 0, 0, err
	}
	if _, err := app.LoadProvision(ctx, b.db, b.cfg.dataDir, p, true, b.logger); err != nil {
		return 0, 0, err
	}
	tmp, err := os.MkdirTemp("", "spatlas-bench-build-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(tmp)
	csvPath := filepath.Join(tmp, "synthetic-assets.csv")
	if err := b.writeSyntheticAssets(ctx, csvPath, buildAssets); err != nil {
		return 0, 0, err
	}
	if _, err := importAssets(ctx, b, csvPath, tx, buildAssets); err != nil {
		return 0, 0, err
	}
	err = b.db.Pool().QueryRow(ctx, query("build_counts")).Scan(&assets, &services)
	return assets, services, err
}

// buildBoth builds both editions at once, as spatlas build does, and returns how long that took
// and each edition's report.
func (b *bench) buildBoth(ctx context.Context, p spatlas.BuildParams, force bool) (time.Duration, []spatlas.BuildReport, error) {
	start := time.Now()
	builds, err := app.BuildEditions(ctx, b.db, spatlas.Editions(), p, force, false, b.logger)
	d := time.Since(start)
	reps := make([]spatlas.BuildReport, len(builds))
	for i, bd := range builds {
		reps[i] = bd.BuildReport
	}
	return d, reps, err
}

// slowestStep names the slowest step of the builds, with its edition and duration.
func slowestStep(reps []spatlas.BuildReport) string {
	slow := ""
	var slowD time.Duration
	for _, rep := range reps {
		for _, s := range rep.Steps {
			if s.Duration > slowD {
				slowD, slow = s.Duration, fmt.Sprintf("%s %s %s", rep.Edition, s.Step, seconds(s.Duration))
			}
		}
	}
	return slow
}
