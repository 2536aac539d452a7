package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// fakeBuilder builds from a table of results by edition, and records what it was asked.
type fakeBuilder struct {
	errs  map[string]error
	mu    sync.Mutex
	calls []string
}

func (b *fakeBuilder) Build(ctx context.Context, edition string, p spatlas.BuildParams, force bool) (spatlas.BuildReport, error) {
	b.mu.Lock()
	b.calls = append(b.calls, edition)
	b.mu.Unlock()
	rep := spatlas.BuildReport{Edition: edition, LSOAs: len(edition), UpToDate: !force}
	return rep, b.errs[edition]
}

func TestBuildEditions(t *testing.T) {
	notLoaded := spatlas.Errorf(spatlas.ENOTFOUND, "edition iod2019 is not loaded")
	boom := errors.New("boom")
	eds := spatlas.Editions()
	ids := func(eds []spatlas.Edition) []string {
		var s []string
		for _, ed := range eds {
			s = append(s, ed.ID)
		}
		return s
	}(eds)
	tests := []struct {
		name        string
		errs        map[string]error
		force, skip bool
		want        []app.EditionBuild
		wantErr     error
	}{
		{name: "all built, in order", force: true, want: []app.EditionBuild{
			{BuildReport: spatlas.BuildReport{Edition: ids[0], LSOAs: len(ids[0])}},
			{BuildReport: spatlas.BuildReport{Edition: ids[1], LSOAs: len(ids[1])}}}},
		{name: "up to date", want: []app.EditionBuild{
			{BuildReport: spatlas.BuildReport{Edition: ids[0], LSOAs: len(ids[0]), UpToDate: true}},
			{BuildReport: spatlas.BuildReport{Edition: ids[1], LSOAs: len(ids[1]), UpToDate: true}}}},
		{name: "not loaded skipped", errs: map[string]error{ids[0]: notLoaded}, skip: true, want: []app.EditionBuild{
			{BuildReport: spatlas.BuildReport{Edition: ids[0], LSOAs: len(ids[0]), UpToDate: true}, NotLoaded: true},
			{BuildReport: spatlas.BuildReport{Edition: ids[1], LSOAs: len(ids[1]), UpToDate: true}}}},
		{name: "not loaded is an error", errs: map[string]error{ids[0]: notLoaded}, wantErr: notLoaded},
		{name: "other errors are not skipped", errs: map[string]error{ids[1]: boom}, skip: true, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBuilder{errs: tt.errs}
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			got, err := app.BuildEditions(context.Background(), b, eds, spatlas.DefaultBuildParams(), tt.force, tt.skip, logger)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d builds, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Edition != w.Edition || g.LSOAs != w.LSOAs || g.UpToDate != w.UpToDate || g.NotLoaded != w.NotLoaded {
					t.Errorf("build %d = %+v, want %+v", i, g, w)
				}
			}
			slices.Sort(b.calls)
			if !slices.Equal(b.calls, ids) {
				t.Errorf("built %v, want each of %v once", b.calls, ids)
			}
		})
	}
}
