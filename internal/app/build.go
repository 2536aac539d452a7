package app

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Builder is what a build needs of a store: the build of one loaded edition's metrics in one
// transaction (postgis.DB.Build), ENOTFOUND when the edition is not loaded.
type Builder interface {
	Build(ctx context.Context, edition string, p spatlas.BuildParams, force bool) (spatlas.BuildReport, error)
}

// EditionBuild is what a build did to one edition: its report, or NotLoaded when the edition
// is not loaded and BuildEditions was told to skip it.
type EditionBuild struct {
	spatlas.BuildReport
	NotLoaded bool
}

// BuildEditions recomputes the metrics of eds with parameters p (METHODS.md): for each edition
// only the stages whose inputs changed, every stage with force. It returns what happened to
// each edition, in the order of eds.
//
// The editions build concurrently, each in its own transaction: most of the work of one is a
// single PostgreSQL backend, so two keep both cores busy. With skipMissing an edition that is
// not loaded is reported NotLoaded rather than an error; any other error cancels the others and
// is returned.
func BuildEditions(ctx context.Context, store Builder, eds []spatlas.Edition, p spatlas.BuildParams, force, skipMissing bool, logger *slog.Logger) ([]EditionBuild, error) {
	start := time.Now()
	out := make([]EditionBuild, len(eds))
	g, gctx := errgroup.WithContext(ctx)
	for i, ed := range eds {
		g.Go(func() error {
			rep, err := store.Build(gctx, ed.ID, p, force)
			out[i].BuildReport = rep
			if skipMissing && spatlas.ErrorCode(err) == spatlas.ENOTFOUND {
				out[i].NotLoaded = true
				out[i].Edition = ed.ID
				return nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	logger.Info("build done", "editions", len(eds), "took", time.Since(start).Round(time.Millisecond))
	return out, nil
}
