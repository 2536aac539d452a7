package postgis

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

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

// buildHotspots computes Getis-Ord Gi* of the gap over queen contiguity, with the
// Benjamini-Hochberg flag, and stores them.
func buildHotspots(ctx context.Context, tx pgx.Tx, edition string, p spatlas.BuildParams, rep *spatlas.BuildReport) error {
	rows, err := tx.Query(ctx, query("build_gi_input"), edition)
	if err != nil {
		return err
	}
	var (
		codes []string
		gaps  []float64
		nbs   [][]string
	)
	for rows.Next() {
		var (
			code string
			gap  *float64
			nb   []string
		)
		if err := rows.Scan(&code, &gap, &nb); err != nil {
			return err
		}
		codes = append(codes, code)
		gaps = append(gaps, orNaN(gap))
		nbs = append(nbs, nb)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	index := make(map[string]int32, len(codes))
	for i, c := range codes {
		index[c] = int32(i)
	}
	neighbours := make([][]int32, len(codes))
	for i, nb := range nbs {
		for _, c := range nb {
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
	z := stats.GetisOrdStar(gaps, neighbours)
	ps := make([]float64, len(z))
	for i := range z {
		ps[i] = stats.NormalTwoSidedP(z[i])
	}
	sig := stats.BenjaminiHochberg(ps, p.HotspotFDR)
	if _, err := tx.Exec(ctx, query("build_gi_stage")); err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"b_gi"}, []string{"code", "z", "p", "sig"},
		pgx.CopyFromSlice(len(codes), func(i int) ([]any, error) {
			if math.IsNaN(z[i]) {
				return []any{codes[i], nil, nil, nil}, nil
			}
			return []any{codes[i], z[i], ps[i], sig[i]}, nil
		}))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, query("build_gi_update"), edition)
	return err
}

func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// lsoaRow is one LSOA's metrics as the build aggregates them: values by column position, NaN for
// null; booleans are 0 or 1.
type lsoaRow struct {
	code    string
	parents [4]string // msoa, lad, icb, region
	pop     float64
	vals    []float64
	cases   *int64 // lw_caseload, where known
}

// writeProps publishes the metrics: each LSOA's, and each higher area's aggregated from its
// LSOAs (METHODS.md, "Aggregates"), in place of the previous build's.
func writeProps(ctx context.Context, tx pgx.Tx, edition string, categories []string, rep *spatlas.BuildReport) (england map[string]any, err error) {
	cols := spatlas.MetricColumns(categories)
	at := make(map[string]int, len(cols))
	for i, c := range cols {
		at[c.Name] = i
	}
	rows, err := tx.Query(ctx, query("build_metrics"), edition)
	if err != nil {
		return nil, err
	}
	var lsoas []lsoaRow
	for rows.Next() {
		var (
			r                          lsoaRow
			parents                    [4]*string
			pop                        *float64
			assetsN, within            *int32
			byCat, nearCat             map[string]float64
			nearAny, access, fte, lwAc *float64
			need, prov, gap, giZ, giP  *float64
			under, giSig               *bool
		)
		if err := rows.Scan(&r.code, &parents[0], &parents[1], &parents[2], &parents[3], &pop,
			&assetsN, &byCat, &nearAny, &nearCat, &within, &access, &fte, &r.cases, &lwAc,
			&need, &prov, &gap, &under, &giZ, &giP, &giSig); err != nil {
			return nil, err
		}
		for i, p := range parents {
			if p != nil {
				r.parents[i] = *p
			}
		}
		r.pop = orNaN(pop)
		r.vals = make([]float64, len(cols))
		for i := range r.vals {
			r.vals[i] = math.NaN()
		}
		set := func(name string, v float64) {
			if i, ok := at[name]; ok {
				r.vals[i] = v
			}
		}
		setInt := func(name string, v *int32) {
			if v != nil {
				set(name, float64(*v))
			}
		}
		setBool := func(name string, v *bool) {
			if v != nil {
				set(name, b2f(*v))
			}
		}
		set("need_pct", orNaN(need))
		setInt("assets_n", assetsN)
		if assetsN != nil {
			for _, c := range categories {
				set("assets_n_"+spatlas.CategoryKey(c), byCat[c])
			}
			if r.pop > 0 {
				set("assets_per_1k", float64(*assetsN)/r.pop*1000)
			}
		}
		set("nearest_asset_m", orNaN(nearAny))
		for _, c := range categories {
			if d, ok := nearCat[c]; ok {
				set("nearest_"+spatlas.CategoryKey(c)+"_m", d)
			}
		}
		setInt("assets_within_1600m", within)
		set("assets_access_per_1k", scale(access, 1000))
		set("lw_fte", orNaN(fte))
		set("lw_fte_per_10k", scale(lwAc, 10000))
		set("provision_pct", orNaN(prov))
		set("gap", orNaN(gap))
		setBool("underserved", under)
		set("gi_z", orNaN(giZ))
		set("gi_p", orNaN(giP))
		setBool("gi_sig", giSig)
		if under != nil && *under {
			rep.Underserved++
		}
		if giSig != nil && *giSig && giZ != nil {
			if *giZ > 0 {
				rep.Hotspots++
			} else {
				rep.Coldspots++
			}
		}
		lsoas = append(lsoas, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep.LSOAs = len(lsoas)

	type out struct {
		level, code, lad, icb string
		props                 []byte
		vals                  []*float64
	}
	var outs []out
	for _, r := range lsoas {
		m, vs := publish(cols, spatlas.LevelLSOA, r.vals, r.cases, true)
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		outs = append(outs, out{spatlas.LevelLSOA, r.code, r.parents[1], r.parents[2], b, vs})
	}
	for i, level := range spatlas.Levels()[1:] {
		groups := map[string][]*lsoaRow{}
		var order []string
		for j := range lsoas {
			c := lsoas[j].parents[i]
			if c == "" {
				continue
			}
			if _, ok := groups[c]; !ok {
				order = append(order, c)
			}
			groups[c] = append(groups[c], &lsoas[j])
		}
		for _, code := range order {
			vals, cases := aggregate(cols, at, groups[code])
			m, vs := publish(cols, level, vals, cases, true)
			b, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			lad, icb := whole(groups[code], 1), whole(groups[code], 2)
			outs = append(outs, out{level, code, lad, icb, b, vs})
		}
	}
	all := make([]*lsoaRow, len(lsoas))
	for i := range lsoas {
		all[i] = &lsoas[i]
	}
	vals, cases := aggregate(cols, at, all)
	england, _ = publish(cols, spatlas.LevelRegion, vals, cases, false)

	if _, err := tx.Exec(ctx, query("build_props_delete"), edition); err != nil {
		return nil, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_metric"}, []string{"edition", "level", "code", "props"},
		pgx.CopyFromSlice(len(outs), func(i int) ([]any, error) {
			o := outs[i]
			return []any{edition, o.level, o.code, string(o.props)}, nil
		})); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, query("build_values_delete"), edition); err != nil {
		return nil, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_value"}, []string{"edition", "level", "code", "lad_code", "icb_code", "vals"},
		pgx.CopyFromSlice(len(outs), func(i int) ([]any, error) {
			o := outs[i]
			return []any{edition, o.level, o.code, nullable(o.lad), nullable(o.icb), o.vals}, nil
		})); err != nil {
		return nil, err
	}
	return england, nil
}

// whole returns the parent (by index: 1 LAD, 2 ICB) shared by every LSOA of an area, or "".
func whole(rows []*lsoaRow, i int) string {
	if len(rows) == 0 {
		return ""
	}
	p := rows[0].parents[i]
	for _, r := range rows[1:] {
		if r.parents[i] != p {
			return ""
		}
	}
	return p
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func scale(v *float64, by float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v * by
}

// aggregate combines LSOAs into the values of the area they make up: counts add, rates are
// recomputed from the sums, the rest are population-weighted means (METHODS.md, "Aggregates").
func aggregate(cols []spatlas.Column, at map[string]int, rows []*lsoaRow) (vals []float64, cases *int64) {
	vals = make([]float64, len(cols))
	var pop float64
	for _, r := range rows {
		if r.pop > 0 {
			pop += r.pop
		}
		if r.cases != nil {
			if cases == nil {
				cases = new(int64)
			}
			*cases += *r.cases
		}
	}
	for i, c := range cols {
		var sum, wsum, w float64
		var any bool
		for _, r := range rows {
			switch c.Agg {
			case spatlas.AggSum:
				if c.Name == "underserved_population" {
					if u := r.vals[at["underserved"]]; u == 1 && r.pop > 0 {
						sum += r.pop
					}
					any = true
					continue
				}
				if v := r.vals[i]; !math.IsNaN(v) {
					sum += v
					any = true
				}
			case spatlas.AggMean:
				if v := r.vals[i]; !math.IsNaN(v) && r.pop > 0 {
					wsum += v * r.pop
					w += r.pop
				}
			case spatlas.AggCount:
				any = true
				switch c.Num {
				case "underserved":
					sum += b2f(r.vals[at["underserved"]] == 1)
				case "hotspot":
					sum += b2f(r.vals[at["gi_sig"]] == 1 && r.vals[at["gi_z"]] > 0)
				}
			}
		}
		switch {
		case c.Num != "" && c.Den != "":
			vals[i] = math.NaN()
			if n := vals[at[c.Num]]; pop > 0 && !math.IsNaN(n) {
				vals[i] = n / pop * c.Per
			}
		case c.Agg == spatlas.AggMean && w > 0:
			vals[i] = wsum / w
		case (c.Agg == spatlas.AggSum || c.Agg == spatlas.AggCount) && any:
			vals[i] = sum
		default:
			vals[i] = math.NaN()
		}
	}
	return vals, cases
}

// publish turns values into the published properties of an area of a level: rounded, typed,
// and with counts of people under disclosure control when disclose. It also returns the
// published numbers by column position (nil where there is none), which rank areas.
func publish(cols []spatlas.Column, level string, vals []float64, cases *int64, disclose bool) (map[string]any, []*float64) {
	m := make(map[string]any, len(cols)+1)
	ranked := make([]*float64, len(cols))
	for i, c := range cols {
		if !slices.Contains(c.Levels, level) || c.Disclosure {
			continue
		}
		v := vals[i]
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			m[c.Name] = nil
			continue
		case c.Type == spatlas.TypeBoolean:
			m[c.Name] = v == 1
			continue
		case c.Type == spatlas.TypeInteger && c.Digits < 0:
			v = math.Round(v)
			m[c.Name] = int64(v)
		default:
			v = spatlas.Round(v, c.Digits)
			m[c.Name] = jsonNumber(v)
		}
		ranked[i] = &v
	}
	switch {
	case cases == nil:
		m["lw_caseload"], m["lw_caseload_suppressed"] = nil, false
	case !disclose:
		m["lw_caseload"], m["lw_caseload_suppressed"] = *cases, false
	default:
		v, ok := spatlas.Disclose(*cases)
		if ok {
			m["lw_caseload"], m["lw_caseload_suppressed"] = v, false
		} else {
			m["lw_caseload"], m["lw_caseload_suppressed"] = nil, true
		}
	}
	return m, ranked
}

// jsonNumber keeps whole numbers whole in JSON (1600, not 1600.0 or 1.6e3).
func jsonNumber(v float64) json.Number {
	return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
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
