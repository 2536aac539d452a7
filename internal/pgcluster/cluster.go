package pgcluster

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/spatlas/spatlas/internal/spatlas"
)

const (
	// DefaultDir is the cluster folder, relative to the root of the checkout.
	DefaultDir = ".spatlas/pg"
	// DefaultDatabase is the database Start makes sure of.
	DefaultDatabase = "spatlas"
	// User is the name of the database superuser, and of the system user that runs the server
	// when spatlas runs as root.
	User = "spatlas"
	// Port names the socket file (.s.PGSQL.5432); the server listens on no TCP port.
	Port = 5432

	startTimeout = 60 * time.Second // pg_ctl start -t, and the wait for a server that is starting
	stopTimeout  = 60 * time.Second
	staleTimeout = 30 * time.Second // wait for the processes of a crashed server to exit
	maxSocketLen = 107              // sun_path of a unix socket address, less its final NUL
)

var (
	//go:embed sql/database_exists.sql
	databaseExistsSQL string
	//go:embed sql/create_database.sql
	createDatabaseSQL string
	//go:embed sql/create_postgis.sql
	createPostGISSQL string
)

// Cluster is a private PostgreSQL cluster in one folder. The zero value is not usable: set Dir.
type Cluster struct {
	// Dir is the cluster folder. A relative path is taken relative to the working directory.
	Dir string
	// Logger receives progress messages and the output of apt-get; nil means slog.Default().
	Logger *slog.Logger
}

// layout holds the absolute paths of a cluster folder.
type layout struct {
	dir, data, run, log, lock string
}

func (l layout) pidFile() string    { return filepath.Join(l.data, "postmaster.pid") }
func (l layout) socketFile() string { return filepath.Join(l.run, fmt.Sprintf(".s.PGSQL.%d", Port)) }

func (c *Cluster) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// layout resolves Dir and checks that the server can use it.
func (c *Cluster) layout() (layout, error) {
	if c.Dir == "" {
		return layout{}, spatlas.Errorf(spatlas.EINVALID, "pgcluster: no cluster folder given")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return layout{}, spatlas.Errorf(spatlas.EINVALID, "cluster folder %s: %v", c.Dir, err)
	}
	// The socket directory goes into postgresql.conf as a quoted, comma-separated list.
	if strings.ContainsAny(dir, ",'\"\\\n\r\x00") {
		return layout{}, spatlas.Errorf(spatlas.EINVALID,
			"cluster folder %s: the path must not contain commas, quotes, backslashes or line breaks (choose another folder)", dir)
	}
	l := layout{
		dir:  dir,
		data: filepath.Join(dir, "data"),
		run:  filepath.Join(dir, "run"),
		log:  filepath.Join(dir, "log"),
		lock: filepath.Join(dir, "lock"),
	}
	if n := len(l.socketFile()); n > maxSocketLen {
		return layout{}, spatlas.Errorf(spatlas.EINVALID,
			"cluster folder %s: the socket path %s is %d bytes long, more than the %d a unix socket allows (choose a shorter folder)",
			dir, l.socketFile(), n, maxSocketLen)
	}
	return l, nil
}

// URL returns the connection URL of database db of the cluster, whether or not it is running:
// postgres://spatlas@/DB?host=SOCKETDIR&port=5432. pgx and libpq read it.
func (c *Cluster) URL(db string) string {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		dir = filepath.Clean(c.Dir)
	}
	return socketURL(filepath.Join(dir, "run"), db)
}

func socketURL(socketDir, db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d", User, percentEncode(db, ""), percentEncode(socketDir, "/"), Port)
}

// percentEncode escapes all but unreserved URL characters and those in keep as %XX. libpq and pgx
// decode only %XX (a '+' stays a '+'), so url.QueryEscape would not do.
func percentEncode(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
			strings.IndexByte("-._~", ch) >= 0 || strings.IndexByte(keep, ch) >= 0 {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// LogFile returns the path of the server log.
func (c *Cluster) LogFile() string {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		dir = filepath.Clean(c.Dir)
	}
	return filepath.Join(dir, "log")
}

// Start starts the cluster unless it is running (installing PostgreSQL and PostGIS and running
// initdb first when needed), makes sure the database "spatlas" exists with the postgis extension,
// and returns its URL. A running cluster is reused.
func (c *Cluster) Start(ctx context.Context) (string, error) {
	return c.CreateDB(ctx, DefaultDatabase)
}

// CreateDB starts the cluster when it is not running, creates database name unless it exists,
// creates the postgis extension in it unless it exists, and returns its URL.
func (c *Cluster) CreateDB(ctx context.Context, name string) (string, error) {
	if name == "" || len(name) > 63 || strings.ContainsRune(name, 0) {
		return "", spatlas.Errorf(spatlas.EINVALID, "database name %q: must be 1 to 63 bytes, without NUL", name)
	}
	l, err := c.layout()
	if err != nil {
		return "", err
	}
	if err := mkdirAll(l.dir); err != nil {
		return "", spatlas.Errorf(spatlas.EUNAVAILABLE, "creating the cluster folder %s: %v", l.dir, err)
	}
	unlock, err := c.lock(ctx, l)
	if err != nil {
		return "", err
	}
	defer unlock()

	srv, err := c.server(ctx, l, true)
	if err != nil {
		return "", err
	}
	acct, err := c.account(ctx)
	if err != nil {
		return "", err
	}
	if err := c.prepare(l, acct); err != nil {
		return "", err
	}
	if err := c.initdb(ctx, l, srv, acct); err != nil {
		return "", err
	}
	pid, err := postmasterPID(l)
	if err != nil {
		return "", err
	}
	if err := c.writeConfig(l, acct, pid != 0); err != nil {
		return "", err
	}
	if pid == 0 {
		if err := c.start(ctx, l, srv, acct); err != nil {
			return "", err
		}
	} else {
		c.logger().Debug("reusing the running PostgreSQL cluster", "dir", l.dir, "pid", pid)
	}
	if err := c.ensureDatabase(ctx, l, name); err != nil {
		return "", err
	}
	return socketURL(l.run, name), nil
}

// Running reports whether the server of the cluster is running.
func (c *Cluster) Running(ctx context.Context) (bool, error) {
	l, err := c.layout()
	if err != nil {
		return false, err
	}
	pid, err := postmasterPID(l)
	return pid != 0, err
}

// Stop stops the server (fast shutdown: sessions are ended, transactions rolled back) and waits
// for it to exit. Stopping a cluster that is not running, or does not exist, is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	l, err := c.layout()
	if err != nil {
		return err
	}
	if _, err := os.Stat(l.dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := c.lock(ctx, l)
	if err != nil {
		return err
	}
	defer unlock()
	pid, err := postmasterPID(l)
	if err != nil || pid == 0 {
		return err
	}
	srv, err := c.server(ctx, l, false)
	if err != nil {
		return err
	}
	acct, err := c.account(ctx)
	if err != nil {
		return err
	}
	c.logger().Info("stopping PostgreSQL", "dir", l.dir, "pid", pid)
	out, err := c.command(ctx, acct, l.dir, srv.bin("pg_ctl"), "stop", "-D", l.data, "-m", "fast", "-w",
		"-t", fmt.Sprint(int(stopTimeout.Seconds()))).CombinedOutput()
	if err != nil {
		if pid, perr := postmasterPID(l); perr == nil && pid == 0 {
			return nil // it stopped by itself meanwhile
		}
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "stopping PostgreSQL in %s: pg_ctl stop: %v: %s",
			l.data, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// lock takes the cluster's lock file, waiting for other processes that hold it.
func (c *Cluster) lock(ctx context.Context, l layout) (unlock func(), err error) {
	f, err := os.OpenFile(l.lock, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "opening the cluster lock %s: %v", l.lock, err)
	}
	for logged := false; ; {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing the file releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "locking %s: %v", l.lock, err)
		}
		if !logged {
			c.logger().Info("waiting for another spatlas process using the cluster", "lock", l.lock)
			logged = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// connect opens a connection to database db, retrying for up to wait while the server is
// starting up.
func (c *Cluster) connect(ctx context.Context, l layout, db string, wait time.Duration) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(socketURL(l.run, db))
	if err != nil {
		return nil, fmt.Errorf("parsing the URL of database %s: %w", db, err)
	}
	cfg.ConnectTimeout = 10 * time.Second
	deadline := time.Now().Add(wait)
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn, nil
		}
		var pgErr *pgconn.PgError
		// 57P03 cannot_connect_now: the server is starting up or shutting down.
		retry := !errors.As(err, &pgErr) || pgErr.Code == "57P03"
		if !retry || time.Now().After(deadline) || ctx.Err() != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ensureDatabase creates database name unless it exists, and the postgis extension in it.
func (c *Cluster) ensureDatabase(ctx context.Context, l layout, name string) error {
	conn, err := c.connect(ctx, l, "postgres", startTimeout)
	if err != nil {
		return c.unavailable(l, 0, "connecting to PostgreSQL through %s: %v", l.run, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, databaseExistsSQL, name).Scan(&exists); err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "looking up database %q: %v", name, err)
	}
	if !exists {
		c.logger().Info("creating database", "name", name)
		sql := strings.ReplaceAll(createDatabaseSQL, "{{database}}", pgx.Identifier{name}.Sanitize())
		var pgErr *pgconn.PgError
		// 42P04 duplicate_database: someone else created it meanwhile.
		if _, err := conn.Exec(ctx, sql); err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "creating database %q: %v", name, err)
		}
	}
	dbConn, err := c.connect(ctx, l, name, 0)
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "connecting to database %q: %v", name, err)
	}
	defer dbConn.Close(context.WithoutCancel(ctx))
	if _, err := dbConn.Exec(ctx, createPostGISSQL); err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "creating the postgis extension in database %q: %v", name, err)
	}
	return nil
}

// unavailable returns an EUNAVAILABLE error whose message ends with the tail of the server log
// from offset logFrom on.
func (c *Cluster) unavailable(l layout, logFrom int64, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if tail := logTail(l.log, logFrom, 20); tail != "" {
		msg += "\nlast lines of " + l.log + ":\n" + tail
	}
	return spatlas.Errorf(spatlas.EUNAVAILABLE, "%s", msg)
}

// logTail returns the last n lines of the file at path that start at or after offset from, or ""
// when it cannot be read.
func logTail(path string, from int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const tailBytes = 8 << 10
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(fi.Size()-tailBytes, from, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(buf), "\n"), "\n")
	if off > from && off > 0 && len(lines) > 1 {
		lines = lines[1:] // the first line is cut
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
