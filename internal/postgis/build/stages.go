package build

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/stats"
)

// e2sfca is the E2SFCA statement for a catchment and the build's band weights.
func (b *build) e2sfca(catchment float64) pgdb.Stmt {
	w := b.p.Weights
	return stmt("e2sfca", catchment, w[0], w[1], w[2])
}

// assets computes the asset counts, distances and E2SFCA accessibility of every LSOA.
func (b *build) assets(ctx context.Context) error {
	tx, p := b.tx, b.p
	err := pgdb.ExecAll(ctx, tx,
		stmt("asset_pairs", math.Max(p.AssetsCatchment, spatlas.WithinRadius)),
		stmt("asset_supply"),
		b.e2sfca(p.AssetsCatchment),
		pgdb.Analyze("lsoa_metric", "b_pair", "b_access"),
		stmt("near_pairs"),
		pgdb.Analyze("b_near"),
		stmt("nearest_table"),
		stmt("knn_any"),
	)
	if err != nil {
		return err
	}
	for _, c := range b.in.Categories {
		err := pgdb.ExecAll(ctx, tx,
			stmt("knn_points", c),
			pgdb.GistIndex("b_knn", "geom"),
			pgdb.Analyze("b_knn"),
			stmt("knn", c),
			pgdb.Drop("b_knn"),
		)
		if err != nil {
			return fmt.Errorf("category %s: %w", c, err)
		}
	}
	return pgdb.ExecAll(ctx, tx,
		pgdb.Analyze("b_nearest"),
		stmt("update_assets", b.edition, b.in.Vintage, float64(spatlas.WithinRadius)),
		pgdb.Drop("b_pair", "b_supply", "b_access", "b_near"),
	)
}

// services computes the link worker FTE and E2SFCA accessibility of every LSOA.
func (b *build) services(ctx context.Context) error {
	return pgdb.ExecAll(ctx, b.tx,
		stmt("service_pairs", b.p.LinkWorkerCatchment),
		stmt("service_supply"),
		b.e2sfca(b.p.LinkWorkerCatchment),
		pgdb.Analyze("lsoa_metric", "b_pair", "b_access"),
		stmt("update_services", b.edition, b.in.Vintage),
		pgdb.Drop("b_pair", "b_supply", "b_access", "b_near"),
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
	rows, err := tx.Query(ctx, query("gi_input"), edition)
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
	if _, err := tx.Exec(ctx, query("gi_stage")); err != nil {
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
	_, err = tx.Exec(ctx, query("gi_update"), edition)
	return err
}
