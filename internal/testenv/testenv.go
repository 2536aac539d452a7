// Package testenv gives tests the real data: the data directory of SPATLAS_DATA, or a skip with
// the reason when it is unset (a failure under SPATLAS_REQUIRE_DB=1, which CI sets).
//
// A relative SPATLAS_DATA is read from the module root (the folder holding go.mod), the folder
// make and a hand-run "go test ./..." start from, not from the folder of the package under test,
// which is where go test runs each test binary.
package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// DataDir returns SPATLAS_DATA as an absolute path, skipping the test when it is unset, or
// failing it when SPATLAS_REQUIRE_DB=1 says the real data must be there. A relative path is
// resolved against the module root.
func DataDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SPATLAS_DATA")
	if dir == "" {
		Skip(tb, "SPATLAS_DATA is not set: no real data to test with")
	}
	if filepath.IsAbs(dir) {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatalf("SPATLAS_DATA=%s is relative and the working directory is unknown: %v", dir, err)
	}
	root, err := moduleRoot(wd, fileExists)
	if err != nil {
		tb.Fatalf("SPATLAS_DATA=%s is relative to the module root: %v", dir, err)
	}
	return filepath.Join(root, dir)
}

// moduleRoot returns the nearest folder at or above dir that holds go.mod, as told by exists.
func moduleRoot(dir string, exists func(path string) bool) (string, error) {
	for d := filepath.Clean(dir); ; {
		if exists(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod at or above " + dir)
		}
		d = parent
	}
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// Skip skips the test, or fails it when SPATLAS_REQUIRE_DB=1 requires the database and the
// real data.
func Skip(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("SPATLAS_REQUIRE_DB") == "1" {
		tb.Fatal(why + " (SPATLAS_REQUIRE_DB=1 requires it)")
	}
	tb.Skip(why)
}
