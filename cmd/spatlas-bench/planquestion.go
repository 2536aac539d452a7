package main

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/engine"
)

// planSuggest times suggestions of 10 link worker sites among the practices, in the ICB with
// the most LSOAs and in England.
func (b *bench) planSuggest(m *engine.Model) ([]verdict, error) {
	practices := app.PracticeCandidates(m.Input().Services)
	lsoas := lsoaCandidates(m.Input().LSOAs)
	icb := largestICB(m.Input().LSOAs)
	var out []verdict
	for _, area := range []struct {
		name, code string
		cands      []engine.Candidate
		target     time.Duration
	}{{"ICB " + icb, icb, practices, planICBTarget}, {"England", "", practices, planEnglandTarget},
		{"England (LSOA points)", "", lsoas, planEnglandTarget}} {
		cands := area.cands
		var ds []time.Duration
		var picks []engine.Pick
		for range b.cfg.rounds {
			start := time.Now()
			var err error
			picks, err = m.Suggest(engine.SuggestRequest{Kind: engine.LinkWorker, Count: 10, Area: area.code, Candidates: cands})
			if err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(start))
		}
		d := medianDuration(ds)
		total := 0.0
		if len(picks) > 0 {
			total = picks[len(picks)-1].Cumulative
		}
		fmt.Fprintf(b.out, "   suggest 10 link worker sites from %s candidates, %s: median %s (need-weighted people newly covered %.0f)\n",
			thousands(int64(len(cands))), area.name, millis(d), total)
		out = append(out, verdict{name: "plan suggest " + area.name, ok: d <= area.target, target: true,
			line: fmt.Sprintf("%s (target <= %s)", millis(d), millis(area.target))})
	}
	return out, nil
}

// lsoaCandidates are the LSOA points.
func lsoaCandidates(lsoas []engine.LSOA) []engine.Candidate {
	var out []engine.Candidate
	for _, l := range lsoas {
		out = append(out, engine.Candidate{ID: l.Code, X: l.X, Y: l.Y, Lon: l.Lon, Lat: l.Lat, Label: l.Code, LSOA: l.Code})
	}
	return out
}

// largestICB is the ICB with the most LSOAs.
func largestICB(lsoas []engine.LSOA) string {
	n := map[string]int{}
	best := ""
	for _, l := range lsoas {
		n[l.ICB]++
		if l.ICB != "" && (best == "" || n[l.ICB] > n[best] || (n[l.ICB] == n[best] && l.ICB < best)) {
			best = l.ICB
		}
	}
	return best
}

// planQuestion answers the worked planning question on iod2025: 10 suggested link
// worker sites (1 FTE each) for England against the same FTE at the 10 practices with the
// largest lists (registered patients, gp-registrations-lsoa11-2022-07), in people of deciles
// 1-2 newly reached. Every practice of the data already has a link worker service, so a new
// site at a practice covers no one new: the suggestions are taken among the LSOA points.
func (b *bench) planQuestion(m *engine.Model) error {
	lists, err := listSizes(filepath.Join(b.cfg.dataDir, "gp-registrations-lsoa11-2022-07"))
	if err != nil {
		return err
	}
	for _, d0 := range []float64{m.Params().LinkWorkerCatchment, 2000} {
		p := m.Params()
		p.LinkWorkerCatchment = d0
		md, err := m.WithParams(p)
		if err != nil {
			return err
		}
		if err := b.planCompare(md, lists); err != nil {
			return err
		}
	}
	return nil
}

// planCompare is the worked question at the model's catchment.
func (b *bench) planCompare(m *engine.Model, lists map[string]int) error {
	cands := app.PracticeCandidates(m.Input().Services)
	picks, err := m.Suggest(engine.SuggestRequest{Kind: engine.LinkWorker, Count: 10, Candidates: lsoaCandidates(m.Input().LSOAs)})
	if err != nil {
		return err
	}
	suggested := make([]engine.Candidate, len(picks))
	for i, p := range picks {
		suggested[i] = p.Candidate
	}
	largest := slices.Clone(cands)
	slices.SortStableFunc(largest, func(a, c engine.Candidate) int {
		return lists[c.ID[len("practice:"):]] - lists[a.ID[len("practice:"):]]
	})
	largest = largest[:min(10, len(largest))]
	fmt.Fprintf(b.out, "   worked question (iod2025, 10 x 1 FTE, %.0f m): people newly within reach of a link worker\n", m.Params().LinkWorkerCatchment)
	t := b.table("     ", 0)
	t.row("placement", "deciles 1-2", "all deciles", "per FTE", "d1-2 access before -> after", "sites")
	for _, c := range []struct {
		name  string
		sites []engine.Candidate
	}{{"suggested (greedy, need-weighted, LSOA points)", suggested}, {"10 practices with the largest lists", largest}} {
		var ch engine.Change
		var ids []string
		for _, s := range c.sites {
			ch.Add = append(ch.Add, engine.NewSite{Kind: engine.LinkWorker, Site: engine.Site{X: s.X, Y: s.Y, Supply: 1}})
			ids = append(ids, strings.TrimPrefix(s.ID, "practice:"))
		}
		o, err := m.Evaluate(ch, "lw_fte_per_10k")
		if err != nil {
			return err
		}
		s := o.Summary
		d1, d2 := s.ByDecile[0], s.ByDecile[1]
		mean := func(a, b *float64) float64 {
			return (*a*d1.Population + *b*d2.Population) / (d1.Population + d2.Population)
		}
		t.row(c.name, fmt.Sprintf("%.0f", s.NewlyReachedDecile12), fmt.Sprintf("%.0f", s.NewlyReached), fmt.Sprintf("%.0f", s.NewlyReached/10),
			fmt.Sprintf("%.4f -> %.4f", mean(d1.AccessBefore, d2.AccessBefore), mean(d1.AccessAfter, d2.AccessAfter)), fmt.Sprint(ids))
		if c.name == "10 practices with the largest lists" {
			var pop, cov float64
			for _, d := range s.ByDecile {
				pop, cov = pop+d.Population, cov+d.CoveredBefore
			}
			defer fmt.Fprintf(b.out, "     already within %.0f m of a link worker: %.2f%% of the population\n", m.Params().LinkWorkerCatchment, 100*cov/pop)
		}
	}
	return t.flush()
}

// listSizes sums the registered patients of each practice in the registrations folder's CSV.
func listSizes(dir string) (map[string]int, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv.gz"))
	if len(files) == 0 {
		return nil, errors.New(dir + ": no registrations file")
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(zr)
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(rec[3])
		out[rec[0]] += n
	}
}
