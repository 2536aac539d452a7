package pgdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Stmt is one statement with its arguments, named for the errors it may return.
type Stmt struct {
	Name string
	SQL  string
	Args []any
}

// Execer runs a statement: a pool, a connection or a transaction.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// ExecAll runs statements in order, stopping at the first error, which names the statement.
func ExecAll(ctx context.Context, db Execer, stmts ...Stmt) error {
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return nil
}

// The trivial statements: one line each, with at most a table name that varies, quoted as an
// identifier. They are written here rather than as a file each.

// NoTimeout lifts the statement timeout for the rest of a transaction: loads and builds run as
// long as they need.
func NoTimeout() Stmt { return trivial("SET LOCAL statement_timeout = 0") }

// WorkMem gives the sorts and hashes of the rest of a transaction 256 MB each.
func WorkMem() Stmt { return trivial("SET LOCAL work_mem = '256MB'") }

// Analyze refreshes the planner statistics of tables.
func Analyze(tables ...string) Stmt { return trivial("ANALYZE " + idents(tables)) }

// Drop drops tables that may not exist.
func Drop(tables ...string) Stmt { return trivial("DROP TABLE IF EXISTS " + idents(tables)) }

// GistIndex creates a GiST index on the geometry column of a table.
func GistIndex(table, column string) Stmt {
	return trivial("CREATE INDEX ON " + idents([]string{table}) + " USING gist (" + idents([]string{column}) + ")")
}

// DeleteEdition deletes the rows of an edition ($1) from a table with an edition column.
func DeleteEdition(table, edition string) Stmt {
	s := trivial("DELETE FROM " + idents([]string{table}) + " WHERE edition = $1")
	s.Args = []any{edition}
	return s
}

func trivial(sql string) Stmt { return Stmt{Name: sql, SQL: sql} }

func idents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = pgx.Identifier{n}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// Nullable returns nil for "", so that an empty string is stored as null.
func Nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ZoomBands are the web-map zooms for which generalised geometries are stored. A request for
// zoom z is served from the smallest band >= z (never coarser than asked); above the last band,
// from the full-resolution geometry with coordinates rounded for z.
func ZoomBands() [5]int { return [...]int{4, 6, 8, 10, 12} }
