package build

import (
	"embed"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
)

//go:embed sql/*.sql
var queries embed.FS

// query returns the text of sql/<name>.sql.
func query(name string) string { return pgdb.Query(queries, name) }

// stmt is sql/<name>.sql with its arguments.
func stmt(name string, args ...any) pgdb.Stmt {
	return pgdb.Stmt{Name: name, SQL: query(name), Args: args}
}

// Builder builds the need-versus-provision metrics and reads what was built.
type Builder struct{ db *pgdb.DB }

// New returns the build stage of the store over db.
func New(db *pgdb.DB) *Builder { return &Builder{db: db} }
