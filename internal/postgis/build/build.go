package build

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
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

// inputs are what the stages of a build depend on.
type inputs struct {
	Generation int64
	Vintage    int
	AssetKey   string
	ServiceKey string
	Categories []string
}

// Build recomputes the need-versus-provision metrics of one edition (METHODS.md) in one
// transaction: readers see the previous metrics until it commits. Only the stages whose inputs
// changed since the last build run, unless force; when nothing changed it reports UpToDate.
func (s *Builder) Build(ctx context.Context, edition string, p spatlas.BuildParams, force bool) (spatlas.BuildReport, error) {
	start := time.Now()
	b := &build{edition: edition, p: p, force: force, logger: s.db.Logger(), rep: spatlas.BuildReport{Edition: edition}}
	if err := p.Validate(); err != nil {
		return b.rep, err
	}
	err := pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		b.tx = tx
		return b.run(ctx, start)
	})
	b.rep.Duration = time.Since(start)
	if err != nil {
		return b.rep, fmt.Errorf("build %s: %w", edition, err)
	}
	return b.rep, nil
}

// build is one edition's build in its transaction.
type build struct {
	tx      pgx.Tx
	edition string
	p       spatlas.BuildParams
	force   bool
	logger  *slog.Logger
	in      inputs
	rep     spatlas.BuildReport
}

// step records how long a step took.
func (b *build) step(name string, t time.Time) {
	b.rep.Steps = append(b.rep.Steps, spatlas.StepDuration{Step: name, Duration: time.Since(t)})
	b.logger.Debug("build step", "edition", b.edition, "step", name, "duration", time.Since(t))
}

// run runs the stages whose keys changed and publishes the metrics.
func (b *build) run(ctx context.Context, start time.Time) error {
	tx, edition := b.tx, b.edition
	err := pgdb.ExecAll(ctx, tx, pgdb.NoTimeout(), pgdb.WorkMem(), stmt("lock", edition))
	if err != nil {
		return fmt.Errorf("wait for loads: %w", err)
	}
	rows, _ := tx.Query(ctx, query("inputs"), edition)
	b.in, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[inputs])
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
	keys := b.keys()
	run := func(stage string) bool { return b.force || prev.Keys[stage] != keys[stage] }
	if !run(stageDerived) {
		b.rep.UpToDate = true
		b.rep.LSOAs = prev.Report.LSOAs
		return nil
	}
	if err := b.points(ctx); err != nil {
		return err
	}
	for _, st := range []struct {
		name string
		do   func(context.Context) error
	}{
		{stageNeighbours, b.neighbours}, {stageAssets, b.assets}, {stageServices, b.services},
	} {
		if !run(st.name) {
			continue
		}
		t := time.Now()
		if err := st.do(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		b.rep.Stages = append(b.rep.Stages, st.name)
		b.step(st.name, t)
	}
	t := time.Now()
	if err := b.derived(ctx); err != nil {
		return err
	}
	b.rep.Stages = append(b.rep.Stages, stageDerived)
	b.step("gap and hotspots", t)

	t = time.Now()
	england, err := writeProps(ctx, tx, edition, b.in.Categories, &b.rep)
	if err != nil {
		return fmt.Errorf("area properties: %w", err)
	}
	b.step("aggregates", t)
	b.rep.Duration = time.Since(start)
	return putBuild(ctx, tx, edition, b.p, keys, b.in.Categories, england, b.rep)
}

// keys returns the input key of every stage.
func (b *build) keys() map[string]string {
	w := fmt.Sprint(b.p.Weights)
	keys := map[string]string{
		stageNeighbours: fmt.Sprintf("edition %d, queen", b.in.Generation),
		stageAssets:     hashKey(b.in.Generation, b.in.AssetKey, b.in.Categories, b.p.AssetsCatchment, w),
		stageServices:   hashKey(b.in.Generation, b.in.ServiceKey, b.p.LinkWorkerCatchment, w),
	}
	keys[stageDerived] = hashKey(keys[stageNeighbours], keys[stageAssets], keys[stageServices], b.p.Key(), derivedMethod)
	return keys
}

func hashKey(parts ...any) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprint(parts...))))[:16]
}

// points makes sure every LSOA has a metrics row (new rows, of a first build or a reloaded
// edition, make every stage run) and stages the LSOA points.
func (b *build) points(ctx context.Context) error {
	t := time.Now()
	tag, err := b.tx.Exec(ctx, query("rows"), b.edition)
	if err != nil {
		return err
	}
	if tag.RowsAffected() > 0 {
		b.force = true
	}
	err = pgdb.ExecAll(ctx, b.tx, stmt("points", b.edition), pgdb.GistIndex("b_point", "point"), pgdb.Analyze("b_point"))
	b.step("points", t)
	return err
}

func (b *build) neighbours(ctx context.Context) error {
	return pgdb.ExecAll(ctx, b.tx, pgdb.DeleteEdition("lsoa_neighbour", b.edition), stmt("neighbours", b.edition))
}

// derived computes need, provision percentiles, the gap, the underserved flag and hotspots.
func (b *build) derived(ctx context.Context) error {
	err := pgdb.ExecAll(ctx, b.tx,
		pgdb.Analyze("lsoa_metric", "lsoa_neighbour"),
		stmt("derived", pgx.NamedArgs{
			"edition": b.edition, "gap_metric": b.p.GapMetric, "max_decile": b.p.UnderservedDecile,
			"max_provision_pct": b.p.UnderservedPct, "rank_digits": spatlas.RankDigits,
		}),
		pgdb.Analyze("b_derived"))
	if err != nil {
		return fmt.Errorf("gap: %w", err)
	}
	if err := buildHotspots(ctx, b.tx, b.edition, b.p, &b.rep); err != nil {
		return fmt.Errorf("hotspots: %w", err)
	}
	return nil
}
