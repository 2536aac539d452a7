package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// fakeEditions is an edition store in memory: it keeps the sources of each load.
type fakeEditions struct {
	provenanceErr error
	mu            sync.Mutex
	sources       map[string][]spatlas.SourceFile
	loads         int
}

func (s *fakeEditions) Provenance(ctx context.Context, edition string) ([]spatlas.SourceFile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sources[edition], s.provenanceErr
}

func (s *fakeEditions) LoadEdition(ctx context.Context, d spatlas.EditionData) (spatlas.LoadReport, error) {
	var boundaries int64
	err := d.Boundaries(ctx, func(spatlas.Boundary) error { boundaries++; return nil })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	s.sources[d.Edition.ID] = d.Sources
	return spatlas.LoadReport{Edition: d.Edition.ID, LSOAs: int64(len(d.LSOAs)), Boundaries: boundaries}, err
}

// TestLoadEditions loads the fixture data directory (iod2019, 9 LSOAs) into a store in memory:
// the first load reads every file, the second is skipped as unchanged, force loads again, and a
// store error comes back naming the edition.
func TestLoadEditions(t *testing.T) {
	dir := pgtest.FixtureDir(t)
	ed, err := spatlas.EditionByID("iod2019")
	if err != nil {
		t.Fatal(err)
	}
	eds := []spatlas.Edition{ed}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	store := &fakeEditions{sources: map[string][]spatlas.SourceFile{}}

	steps := []struct {
		name        string
		force       bool
		wantSkipped bool
		wantLoads   int
	}{
		{name: "first load", wantLoads: 1},
		{name: "unchanged", wantSkipped: true, wantLoads: 1},
		{name: "forced", force: true, wantLoads: 2},
	}
	for _, st := range steps {
		reps, err := app.LoadEditions(ctx, store, dir, eds, st.force, logger)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if len(reps) != 1 || reps[0].Edition != "iod2019" || reps[0].Skipped != st.wantSkipped {
			t.Fatalf("%s: reports %+v, want one for iod2019 with Skipped %v", st.name, reps, st.wantSkipped)
		}
		if !st.wantSkipped && (reps[0].LSOAs != 9 || reps[0].Boundaries != 9) {
			t.Errorf("%s: %d LSOAs, %d boundaries, want 9 of each", st.name, reps[0].LSOAs, reps[0].Boundaries)
		}
		if store.loads != st.wantLoads {
			t.Errorf("%s: %d loads, want %d", st.name, store.loads, st.wantLoads)
		}
	}

	boom := errors.New("boom")
	store.provenanceErr = boom
	reps, err := app.LoadEditions(ctx, store, dir, eds, false, logger)
	if !errors.Is(err, boom) || err.Error() != "load iod2019: boom" || reps != nil {
		t.Errorf("store error: reports %v, error %v, want none and \"load iod2019: boom\"", reps, err)
	}
}
