package main

import (
	"context"
	"flag"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/server"
)

// planFlags are serve's flags for what-if scenarios.
type planFlags struct {
	readOnly *bool
	days     *int
	rate     *int
}

func addPlanFlags(fs *flag.FlagSet) planFlags {
	return planFlags{
		readOnly: fs.Bool("read-only", false, "refuse to create scenarios (for read replicas): POST /api/scenarios and /api/suggest answer 403"),
		days:     fs.Int("scenario-days", 90, "days a scenario is kept"),
		rate:     fs.Int("scenario-rate", server.DefaultScenarioRate, "scenarios a client may create per minute"),
	}
}

// newPlanner returns the planner of serve and loads the engine models of the built editions in
// the background, so that the first scenario answers at once.
func newPlanner(ctx context.Context, e env, db *postgis.DB, pf planFlags) *app.Planner {
	p := app.NewPlanner(db, time.Duration(*pf.days)*24*time.Hour)
	go func() {
		start := time.Now()
		builds, err := db.Builds(ctx)
		var editions []string
		for _, b := range builds {
			editions = append(editions, b.Edition)
		}
		if err == nil {
			err = p.Load(ctx, editions...)
		}
		if err != nil {
			e.logger.Warn("planning engine not loaded; it loads on first use", "err", err)
			return
		}
		e.logger.Info("planning engine loaded", "editions", len(builds), "took", time.Since(start).Round(time.Millisecond))
	}()
	return p
}
