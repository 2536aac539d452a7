package pgcluster

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// confFile is the file of spatlas's settings, included from postgresql.conf.
const (
	confFile    = "spatlas.conf"
	includeLine = "include_if_exists = '" + confFile + "'"
)

// writeConfig writes spatlas.conf and includes it from postgresql.conf (once). When the server
// is running and the settings changed, they take effect at its next start.
func (c *Cluster) writeConfig(l layout, acct account, running bool) error {
	conf := serverConfig(l.run, memTotal(), shmSize())
	path := filepath.Join(l.data, confFile)
	old, err := os.ReadFile(path)
	if err != nil || string(old) != conf {
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "writing %s: %v", path, err)
		}
		if err := chown(path, acct); err != nil {
			return err
		}
		if running {
			c.logger().Info("server settings changed; they take effect when the cluster is restarted (spatlas db stop, then start)", "file", path)
		}
	}
	main := filepath.Join(l.data, "postgresql.conf")
	b, err := os.ReadFile(main)
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "reading %s: %v", main, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == includeLine {
			return nil
		}
	}
	f, err := os.OpenFile(main, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "opening %s: %v", main, err)
	}
	_, err = fmt.Fprintf(f, "\n# spatlas's settings (rewritten at every start)\n%s\n", includeLine)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "writing %s: %v", main, err)
	}
	return nil
}

// serverConfig returns the settings of the cluster, for a machine with mem bytes of memory and a
// /dev/shm of shm bytes (0 when unknown).
func serverConfig(socketDir string, mem, shm int64) string {
	const mb = 1 << 20
	clamp := func(v, lo, hi int64) int64 { return min(max(v, lo), hi) }
	if mem <= 0 {
		mem = 8 << 30
	}
	// Sized for bulk loads and map queries on a small box (2 cores, 24 GB: 1 GB buffers, 1 GB for
	// index builds); smaller machines get a sixteenth of their memory for each.
	sharedBuffers := clamp(mem/16, 128*mb, 1024*mb)
	maintenance := clamp(mem/16, 64*mb, 1024*mb)
	workMem := clamp(mem/256, 4*mb, 64*mb)
	cache := clamp(mem/2, 512*mb, 16384*mb)
	// Parallel queries share memory through /dev/shm, which containers often keep at 64 MB; files
	// in the data directory (mmap) work anywhere.
	dsm := "posix"
	if shm < 1<<30 {
		dsm = "mmap"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# Settings of the spatlas private cluster. spatlas rewrites this file at every start.
# Connections only through the unix socket in the cluster folder; no TCP listener.
listen_addresses = ''
port = %d
unix_socket_directories = '%s'
unix_socket_permissions = 0700

shared_buffers = %dMB
effective_cache_size = %dMB
work_mem = %dMB
maintenance_work_mem = %dMB
dynamic_shared_memory_type = %s
max_connections = 100

# Bulk loads: few, large checkpoints. With wal_level minimal (and no WAL senders), COPY into a
# table created or truncated in the same transaction skips the WAL.
wal_level = minimal
max_wal_senders = 0
max_wal_size = 4GB
min_wal_size = 512MB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
# fsync stays on, so a crash never corrupts the cluster. Without waiting for the WAL flush at each
# commit, a crash of the machine can lose the last fraction of a second of commits. That is
# acceptable here: this cluster is a private development copy whose contents are reloaded from
# the source datasets, and loads run as single transactions that are either there or not.
synchronous_commit = off

# Local SSD-backed storage.
random_page_cost = 1.1
effective_io_concurrency = 200
# JIT compilation costs more than it saves on the short spatial queries of map serving.
jit = off

timezone = 'UTC'
log_timezone = 'UTC'
`, Port, socketDir, sharedBuffers/mb, cache/mb, workMem/mb, maintenance/mb, dsm)
	return b.String()
}

// memTotal returns the machine's memory in bytes, or 0 when unknown.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// shmSize returns the size of /dev/shm in bytes, or 0 when unknown.
func shmSize() int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil {
		return 0
	}
	return int64(st.Blocks) * st.Bsize
}
