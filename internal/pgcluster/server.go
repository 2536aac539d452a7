package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Where the Debian packages put PostgreSQL and its extensions.
const (
	pgLibDir   = "/usr/lib/postgresql"   // <version>/bin/{initdb,pg_ctl,postgres}
	pgShareDir = "/usr/share/postgresql" // <version>/extension/postgis.control
	minVersion = 15
	// aptVersion is the PostgreSQL version installed when none is found.
	aptVersion = 15
)

// server is one installed PostgreSQL version with PostGIS.
type server struct {
	version int
	binDir  string
}

func (s server) bin(name string) string { return filepath.Join(s.binDir, name) }

func aptPackages(version int) []string {
	return []string{fmt.Sprintf("postgresql-%d", version), fmt.Sprintf("postgresql-%d-postgis-3", version)}
}

// probeServer reports what is installed of one PostgreSQL version: "" when the server binaries
// and PostGIS are there, else what is missing.
func probeServer(version int) string {
	s := server{version: version, binDir: filepath.Join(pgLibDir, strconv.Itoa(version), "bin")}
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(s.bin(name)); err != nil {
			return fmt.Sprintf("PostgreSQL %d is not installed (no %s)", version, s.bin(name))
		}
	}
	control := filepath.Join(pgShareDir, strconv.Itoa(version), "extension", "postgis.control")
	if _, err := os.Stat(control); err != nil {
		return fmt.Sprintf("PostgreSQL %d has no PostGIS (no %s)", version, control)
	}
	return ""
}

// installedServer returns the server to use: the version of an existing data directory, else the
// newest version >= 15 that has PostGIS. problem says what is missing when there is none.
func installedServer(dataDir string) (srv server, want int, problem string) {
	if b, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		v, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err == nil {
			if p := probeServer(v); p != "" {
				return server{}, v, p + ", and the cluster in " + dataDir + " was made by it"
			}
			return server{version: v, binDir: filepath.Join(pgLibDir, strconv.Itoa(v), "bin")}, v, ""
		}
	}
	entries, _ := os.ReadDir(pgLibDir)
	var versions []int
	for _, e := range entries {
		if v, err := strconv.Atoi(e.Name()); err == nil && v >= minVersion {
			versions = append(versions, v)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(versions)))
	var problems []string
	for _, v := range versions {
		p := probeServer(v)
		if p == "" {
			return server{version: v, binDir: filepath.Join(pgLibDir, strconv.Itoa(v), "bin")}, v, ""
		}
		problems = append(problems, p)
	}
	if len(problems) == 0 {
		return server{}, aptVersion, fmt.Sprintf("PostgreSQL %d or later is not installed (nothing in %s)", minVersion, pgLibDir)
	}
	return server{}, aptVersion, strings.Join(problems, "; ")
}

// server finds the PostgreSQL server and PostGIS, installing them with apt-get when they are
// missing, install is set and the process runs as root.
func (c *Cluster) server(ctx context.Context, l layout, install bool) (server, error) {
	srv, want, problem := installedServer(l.data)
	if problem == "" {
		return srv, nil
	}
	cmd := "apt-get install -y " + strings.Join(aptPackages(want), " ")
	if !install {
		return server{}, spatlas.Errorf(spatlas.EUNAVAILABLE, "%s: install it with: sudo %s", problem, cmd)
	}
	if os.Geteuid() != 0 {
		return server{}, spatlas.Errorf(spatlas.EUNAVAILABLE,
			"%s: install PostgreSQL and PostGIS with:\n  sudo apt-get update && sudo %s\nor set DATABASE_URL to a PostgreSQL %d+ database with PostGIS 3",
			problem, cmd, minVersion)
	}
	c.logger().Info("installing PostgreSQL and PostGIS", "reason", problem, "packages", strings.Join(aptPackages(want), " "))
	if err := c.apt(ctx, "update"); err != nil {
		return server{}, err
	}
	if err := c.apt(ctx, append([]string{"install", "-y"}, aptPackages(want)...)...); err != nil {
		return server{}, err
	}
	if srv, _, problem = installedServer(l.data); problem != "" {
		return server{}, spatlas.Errorf(spatlas.EUNAVAILABLE, "after %s: %s", cmd, problem)
	}
	return srv, nil
}

// apt runs apt-get non-interactively, logging its output line by line.
func (c *Cluster) apt(ctx context.Context, args ...string) error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE,
			"apt-get is not available to install PostgreSQL %d+ and PostGIS 3: install them with the system's package manager, or set DATABASE_URL", minVersion)
	}
	w := &lineLogger{logger: c.logger(), msg: "apt-get"}
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	w.flush()
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "apt-get %s: %v (see its output above)", strings.Join(args, " "), err)
	}
	return nil
}

// lineLogger logs what is written to it, one record per line.
type lineLogger struct {
	logger *slog.Logger
	msg    string
	buf    []byte
}

func (w *lineLogger) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := strings.TrimRight(string(w.buf[:i]), "\r"); line != "" {
			w.logger.Info(w.msg, "out", line)
		}
		w.buf = w.buf[i+1:]
	}
}

func (w *lineLogger) flush() {
	if len(w.buf) > 0 {
		w.logger.Info(w.msg, "out", string(w.buf))
		w.buf = nil
	}
}

// account is the system user that runs the server: nil cred means the current user.
type account struct {
	cred     *syscall.Credential
	uid, gid uint32
}

// account returns the system user that runs the server: the current user, or when that is root
// the system user "spatlas", created when missing.
func (c *Cluster) account(ctx context.Context) (account, error) {
	if os.Geteuid() != 0 {
		return account{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	u, err := user.Lookup(User)
	if err != nil {
		var unknown user.UnknownUserError
		if !errors.As(err, &unknown) {
			return account{}, spatlas.Errorf(spatlas.EUNAVAILABLE, "looking up system user %s: %v", User, err)
		}
		c.logger().Info("creating the system user that runs PostgreSQL (PostgreSQL refuses to run as root)", "user", User)
		out, addErr := exec.CommandContext(ctx, "useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "spatlas PostgreSQL cluster", User).CombinedOutput()
		// Another process may have created it meanwhile: look again before giving up.
		if u, err = user.Lookup(User); err != nil {
			return account{}, spatlas.Errorf(spatlas.EUNAVAILABLE,
				"creating system user %s to run PostgreSQL (it refuses to run as root): useradd: %v: %s",
				User, addErr, strings.TrimSpace(string(out)))
		}
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return account{}, spatlas.Errorf(spatlas.EUNAVAILABLE, "system user %s: %v", User, err)
	}
	return account{
		cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}},
		uid:  uint32(uid), gid: uint32(gid),
	}, nil
}

// command returns a command run as acct in dir, with an environment that cannot redirect the
// PostgreSQL tools (PG* variables are dropped) and with messages in English.
func (c *Cluster) command(ctx context.Context, acct account, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" || k == "HOME" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "LC_ALL=C", "HOME="+dir)
	if acct.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct.cred}
	}
	// pg_ctl start leaves a server behind; should it ever hold our output pipes, do not wait for it.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// mkdirAll creates dir and its missing parents; the parents it creates get mode 0755 whatever
// the umask, so that the server's user can pass through them.
func mkdirAll(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	}
	return os.Chmod(dir, 0o755)
}

// prepare makes the cluster folder and its run directory private to the server's user, and
// checks that this user can reach the folder.
func (c *Cluster) prepare(l layout, acct account) error {
	if acct.cred != nil {
		if err := checkReachable(l.dir, acct); err != nil {
			return err
		}
	}
	if err := os.Mkdir(l.run, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "creating the socket directory %s: %v", l.run, err)
	}
	for _, d := range []string{l.dir, l.run} {
		if err := os.Chmod(d, 0o700); err != nil {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "making %s private: %v", d, err)
		}
	}
	if acct.cred == nil {
		return nil
	}
	// Hand the folder to the server's user, all of it when it belongs to someone else (a folder
	// made before the user existed, or copied).
	fi, err := os.Stat(l.dir)
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "cluster folder: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid == acct.uid && st.Gid == acct.gid {
		return chown(l.run, acct)
	}
	err = filepath.WalkDir(l.dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(acct.uid), int(acct.gid))
	})
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "handing the cluster folder %s to system user %s: %v", l.dir, User, err)
	}
	return nil
}

func chown(path string, acct account) error {
	if acct.cred == nil {
		return nil
	}
	if err := os.Lchown(path, int(acct.uid), int(acct.gid)); err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "handing %s to system user %s: %v", path, User, err)
	}
	return nil
}

// checkReachable checks that every parent directory of dir lets acct pass (search permission).
func checkReachable(dir string, acct account) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "cluster folder %s: %v", dir, err)
	}
	for p := filepath.Dir(real); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "cluster folder %s: %v", dir, err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		var bit fs.FileMode
		switch {
		case st.Uid == acct.uid:
			bit = 0o100
		case st.Gid == acct.gid:
			bit = 0o010
		default:
			bit = 0o001
		}
		if fi.Mode().Perm()&bit == 0 {
			return spatlas.Errorf(spatlas.EUNAVAILABLE,
				"cluster folder %s: PostgreSQL runs as system user %s (it refuses to run as root), which cannot enter %s (mode %s, owner uid %d): "+
					"allow it with `chmod o+x %s` (or `setfacl -m u:%s:x %s`), or put the cluster elsewhere with -dir or SPATLAS_PGDIR, or set DATABASE_URL",
				dir, User, p, fi.Mode().Perm(), st.Uid, p, User, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// initdb creates the data directory unless it exists.
func (c *Cluster) initdb(ctx context.Context, l layout, srv server, acct account) error {
	if _, err := os.Stat(filepath.Join(l.data, "PG_VERSION")); err == nil {
		return nil
	}
	if entries, err := os.ReadDir(l.data); err == nil && len(entries) > 0 {
		return spatlas.Errorf(spatlas.EUNAVAILABLE,
			"%s is not empty but holds no cluster (an interrupted initdb?): remove it and start again", l.data)
	}
	c.logger().Info("creating the PostgreSQL cluster", "dir", l.data, "version", srv.version)
	out, err := c.command(ctx, acct, l.dir, srv.bin("initdb"),
		"-D", l.data,
		"-U", User,
		"--auth-local=trust", // the socket is reachable by the server's user and root only
		"--auth-host=reject", // and there is no TCP listener anyway
		"-E", "UTF8", "--locale=C",
		"--no-instructions",
	).CombinedOutput()
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "initdb -D %s (PostgreSQL %d): %v:\n%s",
			l.data, srv.version, err, strings.TrimSpace(string(out)))
	}
	c.logger().Debug("initdb", "out", string(out))
	return nil
}

// start starts the server and waits until it accepts connections.
func (c *Cluster) start(ctx context.Context, l layout, srv server, acct account) error {
	if err := c.clearStale(ctx, l); err != nil {
		return err
	}
	c.logger().Info("starting PostgreSQL", "dir", l.dir, "version", srv.version, "log", l.log)
	t0 := time.Now()
	var logFrom int64 // show only what this start logged when it fails
	if fi, err := os.Stat(l.log); err == nil {
		logFrom = fi.Size()
	}
	out, err := c.command(ctx, acct, l.dir, srv.bin("pg_ctl"), "start",
		"-D", l.data, "-l", l.log, "-w", "-t", strconv.Itoa(int(startTimeout.Seconds())), "-s",
	).CombinedOutput()
	if err != nil {
		return c.unavailable(l, logFrom, "starting PostgreSQL %d in %s: pg_ctl start: %v: %s",
			srv.version, l.data, err, strings.TrimSpace(string(out)))
	}
	c.logger().Info("PostgreSQL started", "socket", l.run, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}
