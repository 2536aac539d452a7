package build

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// buildRow is a build as stored, with whether it was built on its edition as loaded now.
type buildRow struct {
	spatlas.Build
	IsCurrent bool
}

// builds reads the latest builds (of one edition, or all when edition is nil).
func builds(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, edition *string) ([]buildRow, error) {
	rows, err := q.Query(ctx, query("builds"), edition)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[buildRow])
}

// getBuild returns the last build of an edition, current or not: its stage keys say what to
// recompute. A zero Build when there is none.
func getBuild(ctx context.Context, tx pgx.Tx, edition string) (spatlas.Build, error) {
	bs, err := builds(ctx, tx, &edition)
	if err != nil || len(bs) == 0 {
		return spatlas.Build{}, err
	}
	return bs[0].Build, nil
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
	_, err = tx.Exec(ctx, query("put"), edition, params, k, categories, e, r)
	return err
}

// BuildInfo returns the latest build of an edition; ENOTFOUND when there is none, or when the
// edition was reloaded since (its metrics went with the old data).
func (s *Builder) BuildInfo(ctx context.Context, edition string) (spatlas.Build, error) {
	bs, err := builds(ctx, s.db.Pool(), &edition)
	if err != nil {
		return spatlas.Build{}, pgdb.AppError(err)
	}
	if len(bs) == 0 || !bs[0].IsCurrent {
		return spatlas.Build{}, spatlas.Errorf(spatlas.ENOTFOUND, "edition %s has no metrics: run spatlas build", edition)
	}
	return bs[0].Build, nil
}

// Builds returns the latest build of every edition built on its data as loaded now.
func (s *Builder) Builds(ctx context.Context) ([]spatlas.Build, error) {
	bs, err := builds(ctx, s.db.Pool(), nil)
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	out := []spatlas.Build{}
	for _, b := range bs {
		if b.IsCurrent {
			out = append(out, b.Build)
		}
	}
	return out, nil
}
