package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
)

func cmdBuild(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	editions := fs.String("edition", "all", "editions to build: all, or a comma-separated list (iod2019,iod2025)")
	force := fs.Bool("force", false, "recompute every stage even when its inputs are unchanged")
	bf := addBuildFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas build [flags]\n\nRecomputes the need-versus-provision metrics of each loaded edition (METHODS.md): only the\nstages whose inputs (edition, assets, services, parameters) changed since the last build.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := bf.params()
	if err != nil {
		return err
	}
	eds, err := parseEditions(*editions)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	return buildEditions(ctx, e, db, eds, p, *force, *editions == "all")
}

// buildFlags are the parameters of a build, shared by build and run.
type buildFlags struct {
	assets, lw *float64
	weights    *string
	gapMetric  *string
	decile     *int
	pct, fdr   *float64
}

func addBuildFlags(fs *flag.FlagSet) buildFlags {
	d := spatlas.DefaultBuildParams()
	return buildFlags{
		assets:    fs.Float64("assets-catchment", d.AssetsCatchment, "E2SFCA catchment of community assets, metres"),
		lw:        fs.Float64("lw-catchment", d.LinkWorkerCatchment, "E2SFCA catchment of link worker FTE, metres"),
		weights:   fs.String("weights", formatWeights(d.Weights), "distance-decay weights of the catchment's three equal bands, nearest first (1,1,1 = plain 2SFCA)"),
		gapMetric: fs.String("gap-metric", d.GapMetric, "provision metric of the gap and the underserved flag: "+strings.Join(spatlas.GapMetrics[:], ", ")),
		decile:    fs.Int("underserved-decile", d.UnderservedDecile, "underserved: IMD decile at most this"),
		pct:       fs.Float64("underserved-pct", d.UnderservedPct, "underserved: provision percentile at most this"),
		fdr:       fs.Float64("hotspot-fdr", d.HotspotFDR, "false discovery rate of the Benjamini-Hochberg hotspot flag"),
	}
}

func formatWeights(w [3]float64) string {
	s := make([]string, len(w))
	for i, v := range w {
		s[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}

func (f buildFlags) params() (spatlas.BuildParams, error) {
	p := spatlas.BuildParams{
		AssetsCatchment: *f.assets, LinkWorkerCatchment: *f.lw, GapMetric: *f.gapMetric,
		UnderservedDecile: *f.decile, UnderservedPct: *f.pct, HotspotFDR: *f.fdr,
	}
	ws := strings.Split(*f.weights, ",")
	if len(ws) != len(p.Weights) {
		return p, spatlas.Errorf(spatlas.EINVALID, "-weights %q: want three comma-separated numbers", *f.weights)
	}
	for i, w := range ws {
		v, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		if err != nil {
			return p, spatlas.Errorf(spatlas.EINVALID, "-weights %q: %q is not a number", *f.weights, w)
		}
		p.Weights[i] = v
	}
	return p, p.Validate()
}

// buildEditions builds the editions' metrics (app.BuildEditions) and prints what each build
// did. With skipMissing an edition that is not loaded is reported and skipped rather than an
// error.
func buildEditions(ctx context.Context, e env, db *postgis.DB, eds []spatlas.Edition, p spatlas.BuildParams, force, skipMissing bool) error {
	builds, err := app.BuildEditions(ctx, db, eds, p, force, skipMissing, e.logger)
	if err != nil {
		return err
	}
	for _, b := range builds {
		printBuild(e, b)
	}
	return nil
}

func printBuild(e env, b app.EditionBuild) {
	r := b.BuildReport
	switch {
	case b.NotLoaded:
		fmt.Fprintf(e.stdout, "%s: not loaded, skipped\n", r.Edition)
		return
	case r.UpToDate:
		fmt.Fprintf(e.stdout, "%s: metrics up to date (%d LSOAs)\n", r.Edition, r.LSOAs)
		return
	}
	fmt.Fprintf(e.stdout, "%s: built metrics of %d LSOAs in %s (stages: %s)\n", r.Edition, r.LSOAs,
		r.Duration.Round(time.Millisecond), strings.Join(r.Stages, ", "))
	fmt.Fprintf(e.stdout, "  underserved LSOAs %d; Gi* hotspots %d, coldspots %d; neighbour pairs %d, LSOAs without a neighbour %d\n",
		r.Underserved, r.Hotspots, r.Coldspots, r.Neighbours, r.Isolated)
	var steps []string
	for _, s := range r.Steps {
		steps = append(steps, fmt.Sprintf("%s %s", s.Step, s.Duration.Round(time.Millisecond)))
	}
	fmt.Fprintf(e.stdout, "  %s\n", strings.Join(steps, "; "))
}
