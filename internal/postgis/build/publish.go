package build

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/publish"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// writeProps publishes the metrics: each LSOA's, and each higher area's aggregated from its
// LSOAs (package publish), in place of the previous build's.
func writeProps(ctx context.Context, tx pgx.Tx, edition string, categories []string, rep *spatlas.BuildReport) (england map[string]any, err error) {
	rows, err := tx.Query(ctx, query("metrics"), edition)
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
	err = pgdb.ExecAll(ctx, tx, pgdb.DeleteEdition("area_metric", edition), pgdb.DeleteEdition("area_value", edition))
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
			return []any{edition, a.Level, a.Code, pgdb.Nullable(a.LAD), pgdb.Nullable(a.ICB), a.Ranked}, nil
		})); err != nil {
		return nil, err
	}
	return england, nil
}
