package provision

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// Removed is what RemoveProvision removed.
type Removed struct {
	Dataset  string
	Files    []string // the files of the dataset removed, sorted
	Assets   int64    // assets no other file names any more
	Sources  int64    // source records of assets (an asset named by several files loses one)
	Services int64
}

// RemoveProvision removes what the imports of a dataset stored, or of one of its files when file
// is not "": the source records of its assets and the assets no other file names, its services,
// and the files' load reports and provenance, in one transaction. The metrics built from them stay
// until the next build, which recomputes what depended on them (the build's inputs name every
// provision file). A dataset or file never loaded is an ENOTFOUND error naming those there are.
func (s *Importer) RemoveProvision(ctx context.Context, dataset, file string) (*Removed, error) {
	rm := &Removed{Dataset: dataset}
	err := pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		if err := pgdb.ExecAll(ctx, tx, pgdb.NoTimeout()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("lock")); err != nil {
			return fmt.Errorf("wait for provision loads: %w", err)
		}
		rows, _ := tx.Query(ctx, query("remove_files"), dataset, pgdb.Nullable(file))
		type fileRow struct {
			ID   int
			File string
		}
		files, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fileRow])
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return s.notFound(ctx, tx, dataset, file)
		}
		for _, f := range files {
			if err := removeFile(ctx, tx, f.ID, rm); err != nil {
				return fmt.Errorf("%s/%s: %w", dataset, f.File, err)
			}
			rm.Files = append(rm.Files, f.File)
		}
		return nil
	})
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	return rm, nil
}

// removeFile removes one provision file and what it stored, adding the counts to rm.
func removeFile(ctx context.Context, tx pgx.Tx, id int, rm *Removed) error {
	var sources int64
	if err := tx.QueryRow(ctx, query("count_sources"), id).Scan(&sources); err != nil {
		return err
	}
	rm.Sources += sources
	for _, st := range []struct {
		name string
		n    *int64
	}{{"delete_assets", &rm.Assets}, {"delete_services", &rm.Services}, {"delete_file", nil}} {
		tag, err := tx.Exec(ctx, query(st.name), id)
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		if st.n != nil {
			*st.n += tag.RowsAffected()
		}
	}
	return nil
}

// notFound is the error for a dataset or file that is not loaded, naming those that are.
func (s *Importer) notFound(ctx context.Context, tx pgx.Tx, dataset, file string) error {
	rows, _ := tx.Query(ctx, query("file_names"), dataset)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if file == "" || len(names) == 0 {
		rows, _ := tx.Query(ctx, query("file_names"), nil)
		if names, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(names) == 0 {
			return spatlas.Errorf(spatlas.ENOTFOUND, "no provision dataset %q: none is loaded", dataset)
		}
		return spatlas.Errorf(spatlas.ENOTFOUND, "no provision dataset %q (loaded: %s)", dataset, quoteList(names))
	}
	return spatlas.Errorf(spatlas.ENOTFOUND, "dataset %q has no file %q (its files: %s)", dataset, file, quoteList(names))
}

// quoteList renders up to 20 names as a quoted, comma-separated list.
func quoteList(names []string) string {
	const most = 20
	q := make([]string, 0, min(len(names), most)+1)
	for _, n := range names[:min(len(names), most)] {
		q = append(q, strconv.Quote(n))
	}
	if len(names) > most {
		q = append(q, fmt.Sprintf("and %d more", len(names)-most))
	}
	return strings.Join(q, ", ")
}
