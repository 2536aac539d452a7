// Package testenv gives tests the real data: the data directory of SPATLAS_DATA, or a skip with
// the reason when it is unset (a failure under SPATLAS_REQUIRE_DB=1, which CI sets).
package testenv

import (
	"os"
	"testing"
)

// DataDir returns SPATLAS_DATA, skipping the test when it is unset, or failing it when
// SPATLAS_REQUIRE_DB=1 says the real data must be there.
func DataDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SPATLAS_DATA")
	if dir == "" {
		Skip(tb, "SPATLAS_DATA is not set: no real data to test with")
	}
	return dir
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
