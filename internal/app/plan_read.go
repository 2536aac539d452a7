package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/ingest"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Read parses the deprivation files and lookups and returns the edition's data, with boundaries
// to be streamed by the store.
func (p *Plan) Read(ctx context.Context, logger *slog.Logger) (spatlas.EditionData, error) {
	d := spatlas.EditionData{Edition: p.Edition, Sources: p.Sources}
	var err error
	if d.LSOAs, err = p.readDeprivation(&d); err != nil {
		return d, err
	}
	if p.names != "" {
		if err := p.fillNames(d.LSOAs); err != nil {
			return d, err
		}
	}
	if p.icb != "" {
		if d.ICB, err = p.readParents(p.icb, p.recipe.icb); err != nil {
			return d, err
		}
	}
	if err := p.readGeography(&d, logger); err != nil {
		return d, err
	}
	if d.PopulationSource == "" && p.population != "" {
		if err := p.fillPopulation(d.LSOAs); err != nil {
			return d, err
		}
		d.PopulationSource = p.rel(p.population) + " (Census 2021 usual residents)"
	}
	if d.PopulationSource == "" {
		logger.Warn("no population denominators loaded", "edition", p.Edition.ID)
	}
	if p.centroids != "" {
		if d.Centroids, err = p.readCentroids(); err != nil {
			return d, err
		}
		d.CentroidSource = p.rel(p.centroids)
	}
	d.Boundaries = p.streamBoundaries
	return d, nil
}

// readDeprivation reads and merges the deprivation files, and the scores files when no
// deprivation file has a score, and names the score and population sources in d.
func (p *Plan) readDeprivation(d *spatlas.EditionData) ([]spatlas.LSOADeprivation, error) {
	var files []*ingest.DeprivationFile
	for _, path := range p.deprivation {
		f, err := p.readDeprivationFile(path)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	hasScore := false
	for _, f := range files {
		hasScore = hasScore || f.Has("imd_score")
		if f.Has("imd_score") && d.ScoreSource == "" {
			d.ScoreSource = f.Name
		}
		if f.Has("population") && d.PopulationSource == "" {
			d.PopulationSource = f.Name
		}
	}
	if !hasScore {
		for _, path := range p.scores {
			f, err := p.readDeprivationFile(path)
			if err != nil {
				return nil, err
			}
			f.Vintage = p.Edition.LSOAVintage // the composite file does not say; its English rows are IoD2019's
			files = append(files, f)
			if f.Has("imd_score") {
				d.ScoreSource = f.Name
			}
		}
	}
	recs, err := ingest.MergeDeprivation(p.Edition.LSOAVintage, files...)
	if err != nil {
		return nil, err
	}
	// A scores-only file (composite UK IMD) must not add LSOAs the deprivation files do not have.
	if len(p.scores) > 0 && d.ScoreSource != "" {
		recs = keepRanked(recs)
	}
	return recs, nil
}

// readDeprivationFile reads one deprivation file and counts its rows into Sources.
func (p *Plan) readDeprivationFile(path string) (*ingest.DeprivationFile, error) {
	var f *ingest.DeprivationFile
	err := p.readFile(path, func(name string, r io.Reader) error {
		var err error
		if f, err = ingest.ReadDeprivation(name, r); err != nil {
			return err
		}
		p.source(path).Rows = int64(len(f.Records))
		return nil
	})
	return f, err
}

func keepRanked(recs []spatlas.LSOADeprivation) []spatlas.LSOADeprivation {
	out := recs[:0]
	for _, r := range recs {
		if r.IMD.Rank != nil {
			out = append(out, r)
		}
	}
	return out
}

func (p *Plan) readTable(path string, want ...string) (*textio.Table, error) {
	var t *textio.Table
	err := p.readFile(path, func(name string, r io.Reader) error {
		var err error
		t, err = textio.ReadTable(name, r, want...)
		if err == nil {
			p.source(path).Rows = int64(len(t.Rows))
		}
		return err
	})
	return t, err
}

// fillNames takes LSOA names and LAD codes and names from the lookup where the deprivation files
// have none (the IoD2025 snake_case table has only codes).
func (p *Plan) fillNames(recs []spatlas.LSOADeprivation) error {
	l := p.recipe.names
	t, err := p.readTable(p.names, l.code, strings.Replace(l.code, "_code", "_name", 1), l.areaCode, l.areaName)
	if err != nil {
		return err
	}
	byCode := make(map[string][]string, len(t.Rows))
	for _, row := range t.Rows {
		byCode[row[0]] = row
	}
	for i := range recs {
		row, ok := byCode[recs[i].Code]
		if !ok {
			continue
		}
		if recs[i].Name == "" {
			recs[i].Name = row[1]
		}
		if recs[i].LADCode == "" {
			recs[i].LADCode, recs[i].LADName = row[2], row[3]
		}
	}
	return nil
}

func (p *Plan) fillPopulation(recs []spatlas.LSOADeprivation) error {
	var pop map[string]int64
	err := p.readFile(p.population, func(name string, r io.Reader) error {
		var err error
		pop, err = ingest.ReadCensusPopulation(name, r)
		p.source(p.population).Rows = int64(len(pop))
		return err
	})
	if err != nil {
		return err
	}
	for i := range recs {
		if v, ok := pop[recs[i].Code]; ok {
			recs[i].Population = &v
		}
	}
	return nil
}

// readCentroids reads population-weighted centroids in British National Grid metres: the ONS
// layout (LSOA21CD with x and y) or the shared sample's (LSOA21CD, x_bng, y_bng).
func (p *Plan) readCentroids() (map[string][2]float64, error) {
	t, err := p.readTable(p.centroids)
	if err != nil {
		return nil, err
	}
	code, x, y := t.Column("lsoa21cd"), t.Column("x_bng"), t.Column("y_bng")
	if x < 0 || y < 0 {
		x, y = t.Column("x"), t.Column("y")
	}
	if code < 0 || x < 0 || y < 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: want columns LSOA21CD and x_bng, y_bng (or x, y) in British National Grid metres", t.Name)
	}
	m := make(map[string][2]float64, len(t.Rows))
	for i, row := range t.Rows {
		var xy [2]float64
		for j, c := range []int{x, y} {
			v, err := strconv.ParseFloat(row[c], 64)
			if err != nil || v < 0 || v > 1_300_000 {
				return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: %q is not a British National Grid coordinate in metres", t.Name, t.Lines[i], row[c])
			}
			xy[j] = v
		}
		m[row[code]] = xy
	}
	return m, nil
}

// BoundaryFields says which feature properties of the edition's boundary files hold the LSOA code
// and name.
func (p *Plan) BoundaryFields() ingest.BoundaryFields {
	return ingest.BoundaryFields{Code: p.recipe.boundaryFields, Name: p.recipe.nameFields}
}

// streamBoundaries reads the boundary files two at a time and yields every feature. It counts
// each file's features into the plan's Sources, which the store records as provenance after the
// stream has ended.
func (p *Plan) streamBoundaries(ctx context.Context, yield func(spatlas.Boundary) error) error {
	fields := p.BoundaryFields()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	var mu sync.Mutex
	for _, path := range p.boundaries {
		g.Go(func() error {
			var n int64
			rel := p.rel(path)
			err := ingest.ReadBoundaries(path, fields, func(b spatlas.Boundary) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				n++
				b.File = rel
				return yield(b)
			})
			if err != nil {
				return err
			}
			mu.Lock()
			p.source(path).Rows = n
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("boundaries: %w", err)
	}
	return nil
}
