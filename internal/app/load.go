package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/data"
	"github.com/spatlas/spatlas/internal/fetch"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// LoadEditions loads every edition of eds whose source files in dataDir changed since its last
// load (all of them with force), and returns their reports in the order of eds.
//
// A dataset the editions need that dataDir lacks is first fetched from its publisher (the
// built-in sources manifest); when that fails too, the error names each missing dataset and both
// remedies. The editions then load concurrently, each in its own transaction: the work of one
// is mostly a single PostgreSQL backend, so two keep both cores busy. The first error cancels
// the others and is returned, wrapped with its edition.
func LoadEditions(ctx context.Context, store spatlas.EditionStore, dataDir string, eds []spatlas.Edition, force bool, logger *slog.Logger) ([]spatlas.LoadReport, error) {
	if err := ensureDatasets(ctx, dataDir, eds, logger); err != nil {
		return nil, err
	}
	reps := make([]spatlas.LoadReport, len(eds))
	g, gctx := errgroup.WithContext(ctx)
	for i, ed := range eds {
		g.Go(func() error {
			rep, err := Load(gctx, store, dataDir, ed, force, logger)
			if err != nil {
				return fmt.Errorf("load %s: %w", ed.ID, err)
			}
			reps[i] = rep
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return reps, nil
}

// ensureDatasets fetches the datasets of eds that dataDir lacks. Offline, that fails, and the
// error names each missing dataset with both remedies.
func ensureDatasets(ctx context.Context, dataDir string, eds []spatlas.Edition, logger *slog.Logger) error {
	m, err := fetch.LoadManifest(bytes.NewReader(data.Sources()))
	if err != nil {
		return err
	}
	var need []string
	for _, ed := range eds {
		for _, ds := range fetch.Missing(m, dataDir, ed.Datasets) {
			if !slices.Contains(need, ds) {
				need = append(need, ds)
			}
		}
	}
	if len(need) == 0 {
		return nil
	}
	logger.Info("datasets missing: fetching them from their publishers", "datasets", need, "data", dataDir)
	f := &fetch.Fetcher{Logger: logger}
	if _, err := f.Fetch(ctx, m, dataDir, need); err != nil {
		logger.Debug("fetch failed", "err", err)
		return fetch.MissingError(dataDir, need)
	}
	return nil
}
