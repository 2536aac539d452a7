package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestLockOutwaitsStatementTimeout checks that waiting for a lock held by another process is
// bounded by the caller's context, not by the statement timeout of serving connections: test
// binaries wait minutes for one another's loads.
func TestLockOutwaitsStatementTimeout(t *testing.T) {
	url := pgtest.URL(t, "lock")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := postgis.Open(ctx, url, pgtest.Logger(t), postgis.Options{StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unlock, err := db.Lock(ctx, "spatlas.test.lock")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(time.Second)
		unlock()
	}()
	start := time.Now()
	unlock2, err := db.Lock(ctx, "spatlas.test.lock")
	if err != nil {
		t.Fatalf("second lock, after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	unlock2()
	if waited := time.Since(start); waited < 800*time.Millisecond {
		t.Errorf("the second lock was granted after %s, while the first was held for 1 s", waited)
	}
	// The connection is back on its own timeout.
	if _, err := db.Pool().Exec(ctx, "SELECT pg_sleep(0.5)"); err == nil {
		t.Error("a 0.5 s statement ran under a 200 ms statement timeout after a lock")
	}
	shortCtx, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	hold, err := db.Lock(ctx, "spatlas.test.lock")
	if err != nil {
		t.Fatal(err)
	}
	defer hold()
	if _, err := db.Lock(shortCtx, "spatlas.test.lock"); err == nil {
		t.Error("a lock held elsewhere was granted")
	}
}
