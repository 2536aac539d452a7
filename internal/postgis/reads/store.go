package reads

import (
	"embed"

	"github.com/spatlas/spatlas/internal/postgis/build"
	"github.com/spatlas/spatlas/internal/postgis/pgdb"
)

//go:embed sql/*.sql
var queries embed.FS

// query returns the text of sql/<name>.sql.
func query(name string) string { return pgdb.Query(queries, name) }

// Reader answers the read queries: features of the OGC API collections and the analyses.
type Reader struct {
	db     *pgdb.DB
	builds *build.Builder // the builds that the analyses echo
}

// New returns the read side of the store over db.
func New(db *pgdb.DB, builds *build.Builder) *Reader { return &Reader{db: db, builds: builds} }
