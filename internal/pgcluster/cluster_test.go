package pgcluster

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		db   string
	}{
		{name: "plain", dir: "/work/main/.spatlas/pg", db: "spatlas"},
		{name: "spaces and specials in the folder", dir: "/tmp/my data/a&b=c+d%20?#x", db: "spatlas"},
		{name: "odd database name", dir: "/srv/pg", db: `a/b ?"c"%`},
		{name: "non-ASCII", dir: "/home/zoë/pg", db: "données"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cluster{Dir: tt.dir}
			u := c.URL(tt.db)
			cfg, err := pgx.ParseConfig(u)
			if err != nil {
				t.Fatalf("pgx cannot parse %s: %v", u, err)
			}
			if want := filepath.Join(tt.dir, "run"); cfg.Host != want {
				t.Errorf("host of %s = %q, want %q", u, cfg.Host, want)
			}
			if cfg.Port != Port || cfg.Database != tt.db || cfg.User != User {
				t.Errorf("%s parsed to port %d, database %q, user %q; want %d, %q, %q",
					u, cfg.Port, cfg.Database, cfg.User, Port, tt.db, User)
			}
		})
	}
}

func TestServerConfig(t *testing.T) {
	const gb = 1 << 30
	tests := []struct {
		name      string
		mem, shm  int64
		wantLines []string
	}{
		{
			name: "24 GB box", mem: 24 * gb, shm: 12 * gb,
			wantLines: []string{"shared_buffers = 1024MB", "maintenance_work_mem = 1024MB", "work_mem = 64MB",
				"effective_cache_size = 12288MB", "dynamic_shared_memory_type = posix"},
		},
		{
			name: "2 GB box with a container's /dev/shm", mem: 2 * gb, shm: 64 << 20,
			wantLines: []string{"shared_buffers = 128MB", "maintenance_work_mem = 128MB", "work_mem = 8MB",
				"effective_cache_size = 1024MB", "dynamic_shared_memory_type = mmap"},
		},
		{
			name: "memory unknown", mem: 0, shm: 0,
			wantLines: []string{"shared_buffers = 512MB", "dynamic_shared_memory_type = mmap"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := serverConfig("/x/run", tt.mem, tt.shm)
			lines := strings.Split(conf, "\n")
			for _, want := range append(tt.wantLines,
				"listen_addresses = ''", "unix_socket_directories = '/x/run'", "port = 5432",
				"wal_level = minimal", "max_wal_senders = 0", "max_wal_size = 4GB", "synchronous_commit = off") {
				if !contains(lines, want) {
					t.Errorf("config lacks the line %q:\n%s", want, conf)
				}
			}
		})
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func TestLogTail(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 100)
	tests := []struct {
		name    string
		content string
		from    int64
		n       int
		want    string
	}{
		{name: "short file", content: "a\nb\nc\n", n: 2, want: "b\nc"},
		{name: "fewer lines than asked", content: "a\nb", n: 5, want: "a\nb"},
		{name: "empty", content: "", n: 3, want: ""},
		{name: "larger than the tail read", content: strings.Repeat(long+"\n", 200) + "last\n", n: 2, want: long + "\nlast"},
		{name: "from an offset", content: "old\nnew 1\nnew 2\n", from: 4, n: 5, want: "new 1\nnew 2"},
		{name: "nothing after the offset", content: "old\n", from: 4, n: 5, want: ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprint(i))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if got := logTail(path, tt.from, tt.n); got != tt.want {
				t.Errorf("logTail = %q, want %q", got, tt.want)
			}
		})
	}
	if got := logTail(filepath.Join(dir, "missing"), 0, 3); got != "" {
		t.Errorf("logTail of a missing file = %q, want empty", got)
	}
}

func TestCreateDBRejectsBadNames(t *testing.T) {
	c := &Cluster{Dir: filepath.Join(t.TempDir(), "pg")}
	for _, name := range []string{"", strings.Repeat("n", 64), "a\x00b"} {
		if _, err := c.CreateDB(context.Background(), name); spatlas.ErrorCode(err) != spatlas.EINVALID {
			t.Errorf("CreateDB(%q) = %v, want an %s error", name, err, spatlas.EINVALID)
		}
	}
	if _, err := os.Stat(c.Dir); err == nil {
		t.Errorf("CreateDB with a bad name created %s", c.Dir)
	}
}

func TestLayoutRejectsLongSocketPath(t *testing.T) {
	c := &Cluster{Dir: "/tmp/" + strings.Repeat("d", 100)}
	if _, err := c.Start(context.Background()); spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), "socket path") {
		t.Errorf("Start with a %d-byte folder = %v, want an %s error about the socket path", len(c.Dir), err, spatlas.EINVALID)
	}
}

// requireServer skips the test when PostgreSQL and PostGIS are not installed, unless
// SPATLAS_REQUIRE_DB=1 (then Start installs them when run as root, and fails otherwise).
func requireServer(tb testing.TB) {
	tb.Helper()
	if _, _, problem := installedServer("/nonexistent"); problem != "" && os.Getenv("SPATLAS_REQUIRE_DB") != "1" {
		tb.Skipf("skipping: %s (set SPATLAS_REQUIRE_DB=1 to require the database)", problem)
	}
}

// newCluster returns a cluster in a fresh folder that the server's user can reach (t.TempDir()
// is private to root when the tests run as root), stopped and removed when the test ends.
func newCluster(tb testing.TB) *Cluster {
	tb.Helper()
	requireServer(tb)
	base, err := os.MkdirTemp("", "pgcluster-")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		tb.Fatal(err)
	}
	c := &Cluster{Dir: filepath.Join(base, "pg"), Logger: slog.New(slog.NewTextHandler(tb.Output(), nil))}
	tb.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			tb.Errorf("stopping the test cluster: %v", err)
		}
		if err := os.RemoveAll(base); err != nil {
			tb.Errorf("removing the test cluster: %v", err)
		}
	})
	return c
}

// mustQuery connects to url and returns the text of the single value of query.
func mustQuery(tb testing.TB, url, query string) string {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connecting to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, query).Scan(&s); err != nil {
		tb.Fatalf("%s on %s: %v", query, url, err)
	}
	return s
}

func mustPID(tb testing.TB, c *Cluster) int {
	tb.Helper()
	l, err := c.layout()
	if err != nil {
		tb.Fatal(err)
	}
	pid, err := postmasterPID(l)
	if err != nil || pid == 0 {
		tb.Fatalf("no running postmaster in %s: %v", l.data, err)
	}
	return pid
}

func TestCluster(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow() // later steps build on this one
		}
	}

	var url string
	step("start creates and starts the cluster", func(t *testing.T) {
		var err error
		if url, err = c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if url != c.URL(DefaultDatabase) {
			t.Errorf("Start returned %s, URL gives %s", url, c.URL(DefaultDatabase))
		}
		if v := mustQuery(t, url, "SELECT postgis_full_version()"); !strings.Contains(v, "POSTGIS=") {
			t.Errorf("postgis_full_version() = %q", v)
		}
		for q, want := range map[string]string{
			"SELECT current_user":           User,
			"SELECT current_database()":     DefaultDatabase,
			"SHOW listen_addresses":         "",
			"SHOW synchronous_commit":       "off",
			"SHOW wal_level":                "minimal",
			"SHOW server_encoding":          "UTF8",
			"SELECT current_setting('jit')": "off",
		} {
			if got := mustQuery(t, url, q); got != want {
				t.Errorf("%s = %q, want %q", q, got, want)
			}
		}
		if running, err := c.Running(ctx); err != nil || !running {
			t.Errorf("Running = %v, %v after Start", running, err)
		}
	})

	step("start again reuses the running server quickly", func(t *testing.T) {
		pid := mustPID(t, c)
		t0 := time.Now()
		again, err := c.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(t0); took > 2*time.Second {
			t.Errorf("second Start took %v", took)
		}
		if again != url {
			t.Errorf("second Start returned %s, first %s", again, url)
		}
		if p := mustPID(t, c); p != pid {
			t.Errorf("second Start replaced postmaster %d by %d", pid, p)
		}
		conf, err := os.ReadFile(filepath.Join(c.Dir, "data", "postgresql.conf"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(conf), includeLine); n != 1 {
			t.Errorf("postgresql.conf includes %s %d times, want once", confFile, n)
		}
	})

	step("createdb is idempotent", func(t *testing.T) {
		// The name needs quoting as an identifier.
		for _, name := range []string{`spatlas test "odd"; DROP DATABASE spatlas`} {
			for i := range 2 {
				u, err := c.CreateDB(ctx, name)
				if err != nil {
					t.Fatalf("CreateDB(%q) #%d: %v", name, i+1, err)
				}
				if got := mustQuery(t, u, "SELECT current_database()"); got != name {
					t.Errorf("CreateDB(%q) URL %s connects to %q", name, u, got)
				}
				if v := mustQuery(t, u, "SELECT postgis_lib_version()"); v == "" {
					t.Errorf("no postgis in %q", name)
				}
			}
		}
		if got := mustQuery(t, url, "SELECT current_database()"); got != DefaultDatabase {
			t.Errorf("database %s is gone: %q", DefaultDatabase, got)
		}
	})

	step("start after the postmaster was killed", func(t *testing.T) {
		pid := mustPID(t, c)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for running, _ := c.Running(ctx); running; running, _ = c.Running(ctx) {
			if time.Now().After(deadline) {
				t.Fatalf("postmaster %d still running 5s after SIGKILL", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := os.Stat(filepath.Join(c.Dir, "data", "postmaster.pid")); err != nil {
			t.Fatalf("the killed server left no postmaster.pid: %v", err)
		}
		if _, err := c.Start(ctx); err != nil {
			t.Fatalf("Start after a crash: %v", err)
		}
		if p := mustPID(t, c); p == pid {
			t.Errorf("postmaster PID %d unchanged", p)
		}
		if v := mustQuery(t, url, "SELECT postgis_lib_version()"); v == "" {
			t.Error("no postgis after restart")
		}
	})

	step("stop, twice", func(t *testing.T) {
		for i := range 2 {
			if err := c.Stop(ctx); err != nil {
				t.Fatalf("Stop #%d: %v", i+1, err)
			}
		}
		if running, err := c.Running(ctx); err != nil || running {
			t.Errorf("Running = %v, %v after Stop", running, err)
		}
		if _, err := pgx.Connect(ctx, url); err == nil {
			t.Errorf("connected to %s after Stop", url)
		}
	})

	step("start with a postmaster.pid naming a live unrelated process", func(t *testing.T) {
		l, err := c.layout()
		if err != nil {
			t.Fatal(err)
		}
		// A process of the server's own user, so that PostgreSQL itself would take it for a
		// running server.
		acct, err := c.account(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sleeper := c.command(ctx, acct, l.dir, "sleep", "60")
		if err := sleeper.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			sleeper.Process.Kill()
			sleeper.Wait()
		}()
		fake := fmt.Sprintf("%d\n%s\n", sleeper.Process.Pid, l.data)
		if err := os.WriteFile(l.pidFile(), []byte(fake), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := chown(l.pidFile(), acct); err != nil {
			t.Fatal(err)
		}
		if running, err := c.Running(ctx); err != nil || running {
			t.Errorf("Running = %v, %v with a postmaster.pid of PID %d (sleep)", running, err, sleeper.Process.Pid)
		}
		if _, err := c.Start(ctx); err != nil {
			t.Fatalf("Start with a stale postmaster.pid: %v", err)
		}
		if p := mustPID(t, c); p == sleeper.Process.Pid {
			t.Errorf("postmaster PID is the sleeper's")
		}
	})
}

func TestStartReportsUnreachableFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: only a root process runs the server as another user")
	}
	requireServer(t)
	base := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(base, 0o700); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{Dir: filepath.Join(base, "pg"), Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
	_, err := c.Start(context.Background())
	if spatlas.ErrorCode(err) != spatlas.EUNAVAILABLE || !strings.Contains(err.Error(), "chmod o+x "+base) {
		t.Errorf("Start in %s = %v, want an error telling to chmod o+x %s", c.Dir, err, base)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "data")); err == nil {
		t.Errorf("Start ran initdb in an unreachable folder")
	}
}

func TestStopWithoutCluster(t *testing.T) {
	c := &Cluster{Dir: filepath.Join(t.TempDir(), "none")}
	if err := c.Stop(context.Background()); err != nil {
		t.Errorf("Stop of a missing cluster: %v", err)
	}
	if running, err := c.Running(context.Background()); err != nil || running {
		t.Errorf("Running of a missing cluster = %v, %v", running, err)
	}
}
