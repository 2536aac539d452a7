package pgdb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/spatlas/spatlas/internal/spatlas"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed sql/*.sql
var queries embed.FS

// query returns the text of sql/<name>.sql.
func query(name string) string { return Query(queries, name) }

// Query returns the text of sql/<name>.sql in fsys, a package's embedded statements. The files
// are embedded, so a missing one is a bug.
func Query(fsys fs.FS, name string) string {
	b, err := fs.ReadFile(fsys, "sql/"+name+".sql")
	if err != nil {
		panic(fmt.Sprintf("postgis: no query %q", name))
	}
	return string(b)
}

// DB is a connection pool to a spatlas database, shared by the stages of the store.
type DB struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
}

// Options tune a DB.
type Options struct {
	// StatementTimeout bounds every statement of serving connections (0 = none). Loads lift it.
	StatementTimeout time.Duration
	// MaxConns is the size of the pool (0 = pgxpool's default, the larger of 4 and the CPUs).
	MaxConns int32
	// MinConns is how many connections the pool keeps open even when idle, so that a burst
	// does not wait for new ones (0 = none).
	MinConns int32
	// AcquireTimeout bounds the wait for a free connection of the pool (0 = as long as the
	// context allows). A query that waits longer fails with context.DeadlineExceeded while its
	// own context is still alive, which the server answers with 503.
	AcquireTimeout time.Duration
}

// Open connects to the database at url (a libpq URL or key=value string; the PG* variables
// fill what it leaves out) and checks that it answers.
func Open(ctx context.Context, url string, logger *slog.Logger, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "database URL: %v", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if opt.MinConns > 0 {
		cfg.MinConns = min(opt.MinConns, cfg.MaxConns)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "spatlas"
	// A backend whose client died (a killed load) stops within a second, not at the end of its
	// statement, so it rolls back and frees its locks promptly.
	cfg.ConnConfig.RuntimeParams["client_connection_check_interval"] = "1000"
	if opt.AcquireTimeout > 0 {
		cfg.ConnConfig.Tracer = acquireTimeout(opt.AcquireTimeout)
	}
	if opt.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(opt.StatementTimeout.Milliseconds())
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "database: %v", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "database %s: %v", redact(cfg.ConnConfig), err)
	}
	return &DB{pool: pool, logger: logger}, nil
}

// acquireTimeout bounds each wait for a pooled connection: pgxpool acquires with the context
// TraceAcquireStart returns. It traces nothing else.
type acquireTimeout time.Duration

type acquireCancelKey struct{}

func (d acquireTimeout) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(d))
	return context.WithValue(ctx, acquireCancelKey{}, cancel)
}

func (acquireTimeout) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	if cancel, ok := ctx.Value(acquireCancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}

func (acquireTimeout) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (acquireTimeout) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close closes the pool.
func (db *DB) Close() { db.pool.Close() }

// Migrate applies the embedded migrations that the database lacks, and returns how many ran.
// Concurrent callers are serialised by goose's session lock.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	sqldb := stdlib.OpenDBFromPool(db.pool)
	defer sqldb.Close()
	return migrate(ctx, sqldb, db.logger)
}

func migrate(ctx context.Context, sqldb *sql.DB, logger *slog.Logger) (int, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	for _, r := range res {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return len(res), nil
}

// Ready reports whether the database answers and holds at least one loaded edition.
func (db *DB) Ready(ctx context.Context) error {
	var n int
	if err := db.pool.QueryRow(ctx, query("ready")).Scan(&n); err != nil {
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "42P01" { // undefined_table
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "database not migrated: run spatlas migrate")
		}
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "database unreachable")
	}
	if n == 0 {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "no edition loaded yet: run spatlas load")
	}
	return nil
}

// Generation returns a number that changes whenever loaded data changes.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var g int64
	err := db.pool.QueryRow(ctx, query("generation")).Scan(&g)
	return g, AppError(err)
}

// Lock takes a session-level advisory lock named key on a dedicated connection, waiting for it
// as long as ctx allows (not bounded by the statement timeout); the returned function releases
// it. It serialises work across processes.
func (db *DB) Lock(ctx context.Context, key string) (unlock func(), err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	// The lock may be waited for as long as ctx allows, beyond the statement timeout of serving
	// connections; the connection gets its own timeout back before it returns to the pool.
	err = ExecAll(ctx, conn,
		trivial("SET statement_timeout = 0"),
		Stmt{"lock", query("lock"), []any{key}},
		trivial("RESET statement_timeout"))
	if err != nil {
		// A connection whose settings are in doubt is closed rather than reused.
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
		return nil, err
	}
	return func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), query("unlock"), key)
		conn.Release()
	}, nil
}

// Pool returns the connection pool, for the stages of the store and for tests and tools that
// inspect the database directly.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Logger returns the logger of the store's steps.
func (db *DB) Logger() *slog.Logger { return db.logger }
