package postgis

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/publish"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/stats"
)

// Stages of a build, in order. Each has an input key; a stage runs when its key changed.
const (
	stageNeighbours = "neighbours"
	stageAssets     = "assets"
	stageServices   = "services"
	stageDerived    = "derived"
)

// derivedMethod names the method of the derived stage; it changes whenever the stage computes
// differently, so that builds made before rerun it. 2: provision values ranked at
// spatlas.RankDigits significant digits; no Gi* z for an LSOA without a neighbour.
const derivedMethod = 2

// Build recomputes the need-versus-provision metrics of one edition (METHODS.md) in one
// transaction: readers see the previous metrics until it commits. Only the stages whose inputs
// changed since the last build run, unless force; when nothing changed it reports UpToDate.
func (db *DB) Build(ctx context.Context, edition string, p spatlas.BuildParams, force bool) (spatlas.BuildReport, error) {
	start := time.Now()
	rep := spatlas.BuildReport{Edition: edition}
	if err := p.Validate(); err != nil {
		return rep, err
	}
	step := func(name string, t time.Time) {
		rep.Steps = append(rep.Steps, spatlas.StepDuration{Step: name, Duration: time.Since(t)})
		db.logger.Debug("build step", "edition", edition, "step", name, "duration", time.Since(t))
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, q := range []string{"load_no_timeout", "prov_work_mem"} {
			if _, err := tx.Exec(ctx, query(q)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, query("build_lock"), edition); err != nil {
			return fmt.Errorf("wait for loads: %w", err)
		}
		var (
			gen              int64
			vintage          int
			assetKey, svcKey string
			categories       []string
		)
		err := tx.QueryRow(ctx, query("build_inputs"), edition).Scan(&gen, &vintage, &assetKey, &svcKey, &categories)
		if errors.Is(err, pgx.ErrNoRows) {
			return spatlas.Errorf(spatlas.ENOTFOUND, "edition %s is not loaded: run spatlas load first", edition)
		}
		if err != nil {
			return err
		}
		prev, err := getBuild(ctx, tx, edition)
		if err != nil {
			return err
		}
		w := fmt.Sprint(p.Weights)
		keys := map[string]string{
			stageNeighbours: fmt.Sprintf("edition %d, queen", gen),
			stageAssets:     hashKey(gen, assetKey, categories, p.AssetsCatchment, w),
			stageServices:   hashKey(gen, svcKey, p.LinkWorkerCatchment, w),
		}
		keys[stageDerived] = hashKey(keys[stageNeighbours], keys[stageAssets], keys[stageServices], p.Key(), derivedMethod)
		run := func(stage string) bool { return force || prev.Keys[stage] != keys[stage] }
		if !run(stageDerived) {
			rep.UpToDate = true
			rep.LSOAs = prev.Report.LSOAs
			return nil
		}

		t := time.Now()
		tag, err := tx.Exec(ctx, query("build_rows"), edition)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 && !force {
			// New rows (a first build, or a reloaded edition): every stage fills them.
			force = true
		}
		if err := execAll(ctx, tx, stmt{"build_points", []any{edition}}, stmt{q: "build_points_index"}, stmt{q: "build_points_analyze"}); err != nil {
			return err
		}
		step("points", t)

		if run(stageNeighbours) {
			t = time.Now()
			if err := execAll(ctx, tx, stmt{"build_neighbours_delete", []any{edition}}, stmt{"build_neighbours", []any{edition}}); err != nil {
				return err
			}
			rep.Stages = append(rep.Stages, stageNeighbours)
			step(stageNeighbours, t)
		}
		if run(stageAssets) {
			t = time.Now()
			if err := buildAssets(ctx, tx, edition, vintage, categories, p); err != nil {
				return fmt.Errorf("assets: %w", err)
			}
			rep.Stages = append(rep.Stages, stageAssets)
			step(stageAssets, t)
		}
		if run(stageServices) {
			t = time.Now()
			if err := buildServices(ctx, tx, edition, vintage, p); err != nil {
				return fmt.Errorf("services: %w", err)
			}
			rep.Stages = append(rep.Stages, stageServices)
			step(stageServices, t)
		}

		t = time.Now()
		if _, err := tx.Exec(ctx, query("build_analyze")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("build_derived"), edition, p.GapMetric, p.UnderservedDecile, p.UnderservedPct, spatlas.RankDigits); err != nil {
			return fmt.Errorf("gap: %w", err)
		}
		if _, err := tx.Exec(ctx, query("build_derived_analyze")); err != nil {
			return err
		}
		if err := buildHotspots(ctx, tx, edition, p, &rep); err != nil {
			return fmt.Errorf("hotspots: %w", err)
		}
		rep.Stages = append(rep.Stages, stageDerived)
		step("gap and hotspots", t)

		t = time.Now()
		england, err := writeProps(ctx, tx, edition, categories, &rep)
		if err != nil {
			return fmt.Errorf("area properties: %w", err)
		}
		step("aggregates", t)
		rep.Duration = time.Since(start)
		return putBuild(ctx, tx, edition, p, keys, categories, england, rep)
	})
	rep.Duration = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("build %s: %w", edition, err)
	}
	return rep, nil
}

// stmt is one embedded statement with its arguments.
type stmt struct {
	q    string
	args []any
}

// execAll runs statements in order, stopping at the first error, which names the statement.
func execAll(ctx context.Context, tx pgx.Tx, stmts ...stmt) error {
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, query(s.q), s.args...); err != nil {
			return fmt.Errorf("%s: %w", s.q, err)
		}
	}
	return nil
}

func hashKey(parts ...any) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprint(parts...))))[:16]
}

func buildAssets(ctx context.Context, tx pgx.Tx, edition string, vintage int, categories []string, p spatlas.BuildParams) error {
	err := execAll(ctx, tx,
		stmt{"build_asset_pairs", []any{math.Max(p.AssetsCatchment, spatlas.WithinRadius)}},
		stmt{q: "build_asset_supply"},
		stmt{"build_e2sfca", []any{p.AssetsCatchment, p.Weights[0], p.Weights[1], p.Weights[2]}},
		stmt{q: "build_analyze_stage"},
		stmt{q: "build_near_pairs"},
		stmt{q: "build_near_analyze"},
		stmt{q: "build_nearest_table"},
		stmt{q: "build_knn_any"},
	)
	if err != nil {
		return err
	}
	for _, c := range categories {
		err := execAll(ctx, tx,
			stmt{"build_knn_points", []any{c}},
			stmt{q: "build_knn_index"},
			stmt{q: "build_knn_analyze"},
			stmt{"build_knn", []any{c}},
			stmt{q: "build_knn_drop"},
		)
		if err != nil {
			return fmt.Errorf("category %s: %w", c, err)
		}
	}
	return execAll(ctx, tx,
		stmt{q: "build_analyze_nearest"},
		stmt{"build_update_assets", []any{edition, vintage, float64(spatlas.WithinRadius)}},
		stmt{q: "build_drop_stage"},
	)
}

func buildServices(ctx context.Context, tx pgx.Tx, edition string, vintage int, p spatlas.BuildParams) error {
	return execAll(ctx, tx,
		stmt{"build_service_pairs", []any{p.LinkWorkerCatchment}},
		stmt{q: "build_service_supply"},
		stmt{"build_e2sfca", []any{p.LinkWorkerCatchment, p.Weights[0], p.Weights[1], p.Weights[2]}},
		stmt{q: "build_analyze_stage"},
		stmt{"build_update_services", []any{edition, vintage}},
		stmt{q: "build_drop_stage"},
	)
}

// giInput is one LSOA's gap and the codes of its neighbours.
type giInput struct {
	Code       string   `db:"code"`
	Gap        *float64 `db:"gap"`
	Neighbours []string `db:"neighbours"`
}

// buildHotspots computes Getis-Ord Gi* of the gap over queen contiguity, with the
// Benjamini-Hochberg flag (stats.Hotspots), and stores them.
func buildHotspots(ctx context.Context, tx pgx.Tx, edition string, p spatlas.BuildParams, rep *spatlas.BuildReport) error {
	rows, err := tx.Query(ctx, query("build_gi_input"), edition)
	if err != nil {
		return err
	}
	in, err := pgx.CollectRows(rows, pgx.RowToStructByName[giInput])
	if err != nil {
		return err
	}
	index := make(map[string]int32, len(in))
	for i, r := range in {
		index[r.Code] = int32(i)
	}
	gaps := make([]float64, len(in))
	neighbours := make([][]int32, len(in))
	for i, r := range in {
		gaps[i] = math.NaN()
		if r.Gap != nil {
			gaps[i] = *r.Gap
		}
		for _, c := range r.Neighbours {
			if j, ok := index[c]; ok {
				neighbours[i] = append(neighbours[i], j)
			}
		}
		rep.Neighbours += int64(len(neighbours[i]))
		if len(neighbours[i]) == 0 {
			rep.Isolated++
		}
	}
	rep.Neighbours /= 2
	z, ps, sig := stats.Hotspots(gaps, neighbours, p.HotspotFDR)
	if _, err := tx.Exec(ctx, query("build_gi_stage")); err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"b_gi"}, []string{"code", "z", "p", "sig"},
		pgx.CopyFromSlice(len(in), func(i int) ([]any, error) {
			if math.IsNaN(z[i]) {
				return []any{in[i].Code, nil, nil, nil}, nil
			}
			return []any{in[i].Code, z[i], ps[i], sig[i]}, nil
		}))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, query("build_gi_update"), edition)
	return err
}

// writeProps publishes the metrics: each LSOA's, and each higher area's aggregated from its
// LSOAs (package publish), in place of the previous build's.
func writeProps(ctx context.Context, tx pgx.Tx, edition string, categories []string, rep *spatlas.BuildReport) (england map[string]any, err error) {
	rows, err := tx.Query(ctx, query("build_metrics"), edition)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[publish.Metrics])
	if err != nil {
		return nil, err
	}
	areas, england, tally := publish.Areas(categories, ms)
	rep.LSOAs, rep.Underserved, rep.Hotspots, rep.Coldspots = tally.LSOAs, tally.Underserved, tally.Hotspots, tally.Coldspots
	props := make([]string, len(areas))
	for i, a := range areas {
		b, err := json.Marshal(a.Props)
		if err != nil {
			return nil, err
		}
		props[i] = string(b)
	}
	err = execAll(ctx, tx, stmt{"build_props_delete", []any{edition}}, stmt{"build_values_delete", []any{edition}})
	if err != nil {
		return nil, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_metric"}, []string{"edition", "level", "code", "props"},
		pgx.CopyFromSlice(len(areas), func(i int) ([]any, error) {
			return []any{edition, areas[i].Level, areas[i].Code, props[i]}, nil
		})); err != nil {
		return nil, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_value"}, []string{"edition", "level", "code", "lad_code", "icb_code", "vals"},
		pgx.CopyFromSlice(len(areas), func(i int) ([]any, error) {
			a := areas[i]
			return []any{edition, a.Level, a.Code, nullable(a.LAD), nullable(a.ICB), a.Ranked}, nil
		})); err != nil {
		return nil, err
	}
	return england, nil
}

// builds reads the latest builds (of one edition, or all when edition is nil), each with whether
// it was built on its edition as loaded now.
func builds(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, edition *string) (bs []spatlas.Build, current []bool, err error) {
	rows, err := q.Query(ctx, query("builds"), edition)
	if err != nil {
		return nil, nil, err
	}
	var (
		b                          spatlas.Build
		params, keys, engl, report []byte
		cur                        bool
	)
	_, err = pgx.ForEachRow(rows, []any{&b.Edition, &params, &keys, &b.Categories, &engl, &b.Generation, &b.BuiltAt, &report, &cur}, func() error {
		b := b
		for _, x := range []struct {
			b []byte
			v any
		}{{params, &b.Params}, {keys, &b.Keys}, {engl, &b.England}, {report, &b.Report}} {
			if err := json.Unmarshal(x.b, x.v); err != nil {
				return fmt.Errorf("build of %s: %w", b.Edition, err)
			}
		}
		bs, current = append(bs, b), append(current, cur)
		return nil
	})
	return bs, current, err
}

// getBuild returns the last build of an edition, current or not: its stage keys say what to
// recompute. A zero Build when there is none.
func getBuild(ctx context.Context, tx pgx.Tx, edition string) (spatlas.Build, error) {
	bs, _, err := builds(ctx, tx, &edition)
	if err != nil || len(bs) == 0 {
		return spatlas.Build{}, err
	}
	return bs[0], nil
}

func putBuild(ctx context.Context, tx pgx.Tx, edition string, p spatlas.BuildParams, keys map[string]string,
	categories []string, england map[string]any, rep spatlas.BuildReport) error {
	params, _ := json.Marshal(p)
	k, _ := json.Marshal(keys)
	e, err := json.Marshal(england)
	if err != nil {
		return err
	}
	r, _ := json.Marshal(rep)
	_, err = tx.Exec(ctx, query("build_put"), edition, params, k, categories, e, r)
	return err
}

// BuildInfo returns the latest build of an edition; ENOTFOUND when there is none, or when the
// edition was reloaded since (its metrics went with the old data).
func (db *DB) BuildInfo(ctx context.Context, edition string) (spatlas.Build, error) {
	bs, current, err := builds(ctx, db.pool, &edition)
	if err != nil {
		return spatlas.Build{}, storeError(err)
	}
	if len(bs) == 0 || !current[0] {
		return spatlas.Build{}, spatlas.Errorf(spatlas.ENOTFOUND, "edition %s has no metrics: run spatlas build", edition)
	}
	return bs[0], nil
}

// Builds returns the latest build of every edition built on its data as loaded now.
func (db *DB) Builds(ctx context.Context) ([]spatlas.Build, error) {
	bs, current, err := builds(ctx, db.pool, nil)
	if err != nil {
		return nil, storeError(err)
	}
	out := []spatlas.Build{}
	for i, b := range bs {
		if current[i] {
			out = append(out, b)
		}
	}
	return out, nil
}
