package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// contender is one side of a comparison of several: its name and a function that runs it once
// and returns the time it measured.
type contender struct {
	name string
	run  func(round string) (time.Duration, error)
}

// roundOf is one timed round of a comparison of several contenders.
type roundOf struct {
	order []string        // the contenders in the order they ran
	times []time.Duration // by contender, in the order they were given
}

// allRounds is the outcome of alternateAll: the contenders' names, the last being the reference,
// and the timed rounds.
type allRounds struct {
	names  []string
	rounds []roundOf
}

// alternateAll runs an untimed warm-up round, then rounds timed ones, each running every
// contender once; the order rotates by one from round to round, so that none always meets a
// warmer or a colder machine.
func alternateAll(rounds int, cs []contender) (allRounds, error) {
	out := allRounds{names: make([]string, len(cs))}
	for i, c := range cs {
		out.names[i] = c.name
	}
	for r := 0; r <= rounds; r++ {
		rd := roundOf{times: make([]time.Duration, len(cs))}
		for k := range cs {
			i := (k + r) % len(cs)
			d, err := cs[i].run(roundName(r))
			if err != nil {
				return out, fmt.Errorf("%s: %w", cs[i].name, err)
			}
			rd.order = append(rd.order, cs[i].name)
			rd.times[i] = d
		}
		if r > 0 {
			out.rounds = append(out.rounds, rd)
		}
	}
	return out, nil
}

// boundaryContenders are spatlas's boundary stage, the geometry candidates and, last, ogr2ogr.
func (b *bench) boundaryContenders(ctx context.Context, in boundaryInput, ogr *ogrLoad) []contender {
	stage := func(name string, read func(context.Context, func(spatlas.Boundary) error) error) contender {
		return contender{name: name, run: func(r string) (time.Duration, error) {
			start := time.Now()
			got, err := b.db.StageBoundaries(ctx, read)
			return b.staged(name, r, start, got, err, in.n)
		}}
	}
	return []contender{
		stage("spatlas", in.data.Boundaries),
		stage("orb", libraryBoundaries(in.files, in.fields, orbWKB)),
		stage("go-geom", libraryBoundaries(in.files, in.fields, geomWKB)),
		{name: "ST_GeomFromGeoJSON", run: func(r string) (time.Duration, error) {
			start := time.Now()
			got, err := b.stageGeoJSON(ctx, in.files, in.fields)
			return b.staged("ST_GeomFromGeoJSON", r, start, got, err, in.n)
		}},
		{name: "ogr2ogr", run: func(r string) (time.Duration, error) {
			d, err := ogr.run(ctx)
			if err != nil {
				return d, err
			}
			if err := b.checkOGRTable(ctx, in.n); err != nil {
				return d, err
			}
			b.logger.Info("ogr2ogr load", "round", r, "duration", d.Round(time.Millisecond))
			_, err = b.db.Pool().Exec(ctx, query("ogr_drop"))
			return d, err
		}},
	}
}

// staged checks and logs one staging run that began at start.
func (b *bench) staged(name, round string, start time.Time, got int64, err error, want int64) (time.Duration, error) {
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if got != want {
		return d, fmt.Errorf("%s staged %d boundaries, want %d", name, got, want)
	}
	b.logger.Info("boundary stage", "contender", name, "round", round, "boundaries", got, "duration", d.Round(time.Millisecond))
	return d, nil
}

// reportBoundaries prints each round, the medians and each contender's ratio to the reference
// (the last contender), and returns the verdict on the first contender, spatlas.
func (b *bench) reportBoundaries(all allRounds) (verdict, error) {
	ref := len(all.names) - 1
	t := b.table("   ", tabwriter.AlignRight)
	t.row(append(append([]string{"round"}, all.names...), "first")...)
	times := make([][]time.Duration, len(all.names))
	ratios := make([][]float64, len(all.names))
	for r, rd := range all.rounds {
		cells := []string{fmt.Sprint(r + 1)}
		for i, d := range rd.times {
			times[i] = append(times[i], d)
			ratios[i] = append(ratios[i], d.Seconds()/rd.times[ref].Seconds())
			cells = append(cells, seconds(d))
		}
		t.row(append(cells, rd.order[0])...)
	}
	med, rat := []string{"median"}, []string{"/" + all.names[ref]}
	for i := range all.names {
		med = append(med, seconds(medianDuration(times[i])))
		rat = append(rat, fmt.Sprintf("%.3f", median(ratios[i])))
	}
	t.row(append(med, "")...)
	t.row(append(rat, "")...)
	if err := t.flush(); err != nil {
		return verdict{}, err
	}
	fmt.Fprintf(b.out, "   the last row is the median of each contender's round ratios to %s; target for spatlas <= %.2f\n",
		all.names[ref], boundaryTarget)
	ms, mo := medianDuration(times[0]), medianDuration(times[ref])
	ratio := median(ratios[0])
	v := verdict{
		name:   "boundary load",
		target: true,
		ok:     ratio <= boundaryTarget,
		line: fmt.Sprintf("spatlas %s vs ogr2ogr %s (medians): %.2f of ogr2ogr's time (%.1fx faster); target <= 0.33",
			seconds(ms), seconds(mo), ratio, 1/ratio),
	}
	fmt.Fprintf(b.out, "   %s\n", verdictWord(v))
	return v, nil
}
