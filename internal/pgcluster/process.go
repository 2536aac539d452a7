package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Every process of a PostgreSQL server works in its data directory, so the processes of the
// cluster are found by their working directory (/proc/PID/cwd). That tells a live server from a
// postmaster.pid left by a crash, even when its PID now belongs to another process.

// realDataDir returns the data directory with symbolic links resolved, as /proc shows it.
func realDataDir(l layout) string {
	if p, err := filepath.EvalSymlinks(l.data); err == nil {
		return p
	}
	return l.data
}

// postmasterPID returns the PID of the running server of the cluster, or 0.
func postmasterPID(l layout) (int, error) {
	pid, err := readPIDFile(l.pidFile())
	if err != nil || pid == 0 {
		return 0, err
	}
	if !isClusterProcess(pid, realDataDir(l)) {
		return 0, nil
	}
	return pid, nil
}

// readPIDFile returns the PID on the first line of a PostgreSQL lock file, or 0 when there is no
// file or no valid PID.
func readPIDFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, spatlas.Errorf(spatlas.EUNAVAILABLE, "reading %s: %v", path, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, nil
	}
	return pid, nil
}

// isClusterProcess reports whether pid is a live (not zombie) process working in dataDir.
func isClusterProcess(pid int, dataDir string) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(proc + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name: "PID (comm) S ...".
	if i := bytes.LastIndexByte(stat, ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
		return false
	}
	if cwd, err := os.Readlink(proc + "/cwd"); err == nil {
		return cwd == dataDir
	}
	// A process of another user: its command line shows the data directory of a postmaster.
	cmdline, err := os.ReadFile(proc + "/cmdline")
	if err != nil {
		return false
	}
	args := strings.Split(string(cmdline), "\x00")
	return len(args) > 0 && (filepath.Base(args[0]) == "postgres" || filepath.Base(args[0]) == "postmaster") &&
		bytes.Contains(cmdline, []byte(dataDir))
}

// clusterProcesses returns the live processes working in dataDir.
func clusterProcesses(dataDir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cwd, err := os.Readlink("/proc/" + e.Name() + "/cwd"); err == nil && cwd == dataDir {
			pids = append(pids, pid)
		}
	}
	return pids
}

// clearStale prepares a start after a crash: it waits for the processes of the old server to
// exit, and removes its lock files when their PID now belongs to an unrelated process (PostgreSQL
// would take that for a running server). Lock files naming a dead PID are left to PostgreSQL,
// which checks and replaces them itself.
func (c *Cluster) clearStale(ctx context.Context, l layout) error {
	data := realDataDir(l)
	deadline := time.Now().Add(staleTimeout)
	for logged := false; ; {
		pids := clusterProcesses(data)
		if len(pids) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return spatlas.Errorf(spatlas.EUNAVAILABLE,
				"processes of an earlier PostgreSQL server are still working in %s (PIDs %v) though its postmaster is gone: stop them (kill PID) and start again",
				l.data, pids)
		}
		if !logged {
			c.logger().Info("waiting for the processes of a stopped PostgreSQL server to exit", "pids", fmt.Sprint(pids))
			logged = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	for _, path := range []string{l.pidFile(), l.socketFile() + ".lock"} {
		pid, err := readPIDFile(path)
		if err != nil || pid == 0 {
			continue
		}
		// PostgreSQL takes a lock file for a live server's when signal 0 reaches its PID, which
		// is also true of a zombie (a killed postmaster nobody reaped) and of a reused PID.
		if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
			continue // dead: PostgreSQL replaces the file itself
		}
		c.logger().Warn("removing a stale PostgreSQL lock file: its PID is a zombie or another process now", "file", path, "pid", pid)
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "removing stale lock file %s: %v", path, err)
		}
	}
	return nil
}
