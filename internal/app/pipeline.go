package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/ingest"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Plan is the set of files one edition will be built from.
type Plan struct {
	Edition spatlas.Edition
	DataDir string
	// Sources lists every input file; Hash fills in the checksums and sizes.
	Sources []spatlas.SourceFile

	recipe      recipe
	deprivation []string
	scores      []string
	boundaries  []string
	names, icb  string
	msoa        string // LSOA -> MSOA lookup, or the MSOA areas whose names the LSOA names extend
	region      string // LAD -> region lookup
	regionAlt   string // LSOA -> region lookup for LSOAs whose LAD the region lookup lacks
	population  string
	centroids   string
}

// NewPlan finds the files of an edition in dataDir.
func NewPlan(dataDir string, ed spatlas.Edition) (*Plan, error) {
	r := recipeFor(ed)
	p := &Plan{Edition: ed, DataDir: dataDir, recipe: r}
	var err error
	if p.deprivation, err = p.match(r.deprivation); err != nil {
		return nil, err
	}
	if len(p.deprivation) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: no deprivation file in %s (want names like %s)",
			ed.ID, filepath.Join(dataDir, r.deprivation.dataset), r.deprivation.match)
	}
	if r.scores != nil {
		p.scores, _ = p.match(*r.scores)
	}
	if p.boundaries, err = ingest.BoundaryFiles(filepath.Join(dataDir, r.boundaries)); err != nil {
		return nil, err
	}
	p.findLookups()
	p.listSources()
	return p, nil
}

// one is the first file of a dataset folder whose name matches, or "".
func (p *Plan) one(fs *fileSet) string {
	if fs == nil {
		return ""
	}
	m, _ := p.match(*fs)
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// findLookups finds the recipe's lookups and population table; each is optional.
func (p *Plan) findLookups() {
	r := p.recipe
	if r.names != nil {
		p.names = p.one(&r.names.fileSet)
	}
	if r.icb != nil {
		p.icb = p.one(&r.icb.fileSet)
	}
	switch {
	case r.msoa != nil:
		p.msoa = p.one(&r.msoa.fileSet)
	case r.msoaNames != nil:
		p.msoa = p.one(&r.msoaNames.fileSet)
	}
	if r.region != nil {
		p.region = p.one(&r.region.fileSet)
		if r.regionFallback != nil {
			p.regionAlt = p.one(&r.regionFallback.fileSet)
		}
	}
	p.population = p.one(r.population)
}

// listSources lists every file the plan found in Sources, once each, and finds the centroids.
func (p *Plan) listSources() {
	r := p.recipe
	add := func(ds string, paths ...string) {
		for _, f := range paths {
			if f != "" && p.source(f) == nil {
				p.Sources = append(p.Sources, spatlas.SourceFile{Dataset: ds, File: filepath.Base(f)})
			}
		}
	}
	add(r.deprivation.dataset, p.deprivation...)
	if r.scores != nil {
		add(r.scores.dataset, p.scores...)
	}
	add(r.boundaries, p.boundaries...)
	if r.names != nil {
		add(r.names.dataset, p.names)
	}
	if r.icb != nil {
		add(r.icb.dataset, p.icb)
	}
	switch {
	case r.msoa != nil:
		add(r.msoa.dataset, p.msoa)
	case r.msoaNames != nil:
		add(r.msoaNames.dataset, p.msoa)
	}
	if r.region != nil {
		add(r.region.dataset, p.region)
		if r.regionFallback != nil {
			add(r.regionFallback.dataset, p.regionAlt)
		}
	}
	if r.population != nil {
		add(r.population.dataset, p.population)
	}
	for i := range r.centroids {
		if p.centroids = p.one(&r.centroids[i]); p.centroids != "" {
			add(r.centroids[i].dataset, p.centroids)
			break
		}
	}
}

// match lists the files of a dataset folder whose names match, sorted.
func (p *Plan) match(fs fileSet) ([]string, error) {
	dir := filepath.Join(p.DataDir, fs.dataset)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EUNAVAILABLE, "%s: %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && fs.match.MatchString(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

func (p *Plan) path(s spatlas.SourceFile) string { return filepath.Join(p.DataDir, s.Dataset, s.File) }

// Hash computes the checksum and size of every source file, two at a time.
func (p *Plan) Hash(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for i := range p.Sources {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			p.Sources[i].SHA256, p.Sources[i].Bytes, err = textio.Checksum(p.path(p.Sources[i]))
			return err
		})
	}
	return g.Wait()
}

func (p *Plan) source(path string) *spatlas.SourceFile {
	for i := range p.Sources {
		if p.path(p.Sources[i]) == path {
			return &p.Sources[i]
		}
	}
	return nil
}

// rel names a file by dataset folder and file name, as errors and provenance show it.
func (p *Plan) rel(path string) string {
	r, err := filepath.Rel(p.DataDir, path)
	if err != nil {
		return path
	}
	return r
}

func (p *Plan) readFile(path string, read func(name string, r io.Reader) error) error {
	rc, err := textio.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	return read(p.rel(path), rc)
}

// Load loads an edition from dataDir into the store unless its source files are unchanged since
// the last load (by checksum), or force is set.
func Load(ctx context.Context, store spatlas.EditionStore, dataDir string, ed spatlas.Edition, force bool, logger *slog.Logger) (spatlas.LoadReport, error) {
	start := time.Now()
	plan, err := NewPlan(dataDir, ed)
	if err != nil {
		return spatlas.LoadReport{}, err
	}
	if err := plan.Hash(ctx); err != nil {
		return spatlas.LoadReport{}, err
	}
	if !force {
		prev, err := store.Provenance(ctx, ed.ID)
		if err != nil {
			return spatlas.LoadReport{}, err
		}
		if len(prev) > 0 && spatlas.SameSources(prev, plan.Sources) {
			return spatlas.LoadReport{Edition: ed.ID, Skipped: true, Duration: time.Since(start)}, nil
		}
	}
	data, err := plan.Read(ctx, logger)
	if err != nil {
		return spatlas.LoadReport{}, err
	}
	rep, err := store.LoadEdition(ctx, data)
	rep.Duration = time.Since(start)
	return rep, err
}
