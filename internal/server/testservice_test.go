package server

import (
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// newTestService returns the store the HTTP tests run against: the real PostGIS store loaded with
// the fixture dataset (edition iod2019: nine LSOAs E01000001-E01000009 in a 3x3 grid in two LADs).
func newTestService(tb testing.TB) spatlas.FeatureService {
	tb.Helper()
	return pgtest.Fixture(tb)
}
