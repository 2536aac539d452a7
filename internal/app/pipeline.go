package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	one := func(fs *fileSet) string {
		if fs == nil {
			return ""
		}
		m, _ := p.match(*fs)
		if len(m) == 0 {
			return ""
		}
		return m[0]
	}
	if r.names != nil {
		p.names = one(&r.names.fileSet)
	}
	if r.icb != nil {
		p.icb = one(&r.icb.fileSet)
	}
	switch {
	case r.msoa != nil:
		p.msoa = one(&r.msoa.fileSet)
	case r.msoaNames != nil:
		p.msoa = one(&r.msoaNames.fileSet)
	}
	if r.region != nil {
		p.region = one(&r.region.fileSet)
		if r.regionFallback != nil {
			p.regionAlt = one(&r.regionFallback.fileSet)
		}
	}
	p.population = one(r.population)

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
		if p.centroids = one(&r.centroids[i]); p.centroids != "" {
			add(r.centroids[i].dataset, p.centroids)
			break
		}
	}
	return p, nil
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

// Read parses the deprivation files and lookups and returns the edition's data, with boundaries
// to be streamed by the store.
func (p *Plan) Read(ctx context.Context, logger *slog.Logger) (spatlas.EditionData, error) {
	d := spatlas.EditionData{Edition: p.Edition, Sources: p.Sources}
	var files []*ingest.DeprivationFile
	for _, path := range p.deprivation {
		err := p.readFile(path, func(name string, r io.Reader) error {
			f, err := ingest.ReadDeprivation(name, r)
			if err != nil {
				return err
			}
			files = append(files, f)
			p.source(path).Rows = int64(len(f.Records))
			return nil
		})
		if err != nil {
			return d, err
		}
	}
	hasScore := func() bool {
		for _, f := range files {
			if f.Has("imd_score") {
				return true
			}
		}
		return false
	}
	for _, f := range files {
		if f.Has("imd_score") && d.ScoreSource == "" {
			d.ScoreSource = f.Name
		}
		if f.Has("population") && d.PopulationSource == "" {
			d.PopulationSource = f.Name
		}
	}
	if !hasScore() {
		for _, path := range p.scores {
			err := p.readFile(path, func(name string, r io.Reader) error {
				f, err := ingest.ReadDeprivation(name, r)
				if err != nil {
					return err
				}
				f.Vintage = p.Edition.LSOAVintage // the composite file does not say; its English rows are IoD2019's
				files = append(files, f)
				p.source(path).Rows = int64(len(f.Records))
				if f.Has("imd_score") {
					d.ScoreSource = f.Name
				}
				return nil
			})
			if err != nil {
				return d, err
			}
		}
	}
	recs, err := ingest.MergeDeprivation(p.Edition.LSOAVintage, files...)
	if err != nil {
		return d, err
	}
	// A scores-only file (composite UK IMD) must not add LSOAs the deprivation files do not have.
	if len(p.scores) > 0 && d.ScoreSource != "" {
		recs = keepRanked(recs)
	}
	d.LSOAs = recs

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

// readParents reads a lookup into a map from its key (an LSOA or LAD code) to the area. A key may
// repeat (the output area lookup has a row per output area) but must name one area throughout.
func (p *Plan) readParents(path string, l *lookup) (map[string]spatlas.Parent, error) {
	t, err := p.readTable(path, l.code, l.areaCode, l.areaName)
	if err != nil {
		return nil, err
	}
	m := make(map[string]spatlas.Parent, len(t.Rows))
	for i, row := range t.Rows {
		if row[0] == "" || row[1] == "" {
			continue
		}
		a := spatlas.Parent{Code: row[1], Name: row[2]}
		if prev, ok := m[row[0]]; ok && prev.Code != a.Code {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:%d: %s %s is in %s %s here and in %s on an earlier line",
				t.Name, t.Lines[i], l.code, row[0], l.areaCode, a.Code, prev.Code)
		}
		m[row[0]] = a
	}
	return m, nil
}

// readGeography fills in each LSOA's MSOA and region from the recipe's lookups. LSOAs that no
// lookup places are loaded without one, and logged.
func (p *Plan) readGeography(d *spatlas.EditionData, logger *slog.Logger) error {
	var err error
	switch {
	case p.msoa != "" && p.recipe.msoa != nil:
		if d.MSOA, err = p.readParents(p.msoa, p.recipe.msoa); err != nil {
			return err
		}
	case p.msoa != "" && p.recipe.msoaNames != nil:
		if d.MSOA, err = p.msoaByName(d.LSOAs); err != nil {
			return err
		}
	}
	if p.region != "" {
		if d.Region, err = p.regionsByLAD(d.LSOAs); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		level string
		m     map[string]spatlas.Parent
	}{{spatlas.LevelMSOA, d.MSOA}, {spatlas.LevelRegion, d.Region}} {
		if c.m == nil {
			continue
		}
		if missing := withoutParent(d.LSOAs, c.m); len(missing) > 0 {
			logger.Warn("LSOAs not placed in any area of a level", "edition", p.Edition.ID, "level", c.level,
				"lsoas", len(missing), "first", missing[:min(len(missing), 5)])
		}
	}
	return nil
}

func withoutParent(recs []spatlas.LSOADeprivation, m map[string]spatlas.Parent) []string {
	var out []string
	for _, r := range recs {
		if _, ok := m[r.Code]; !ok {
			out = append(out, r.Code)
		}
	}
	return out
}

// msoaByName places each LSOA in the MSOA it is named after: an LSOA's name is its MSOA's name
// plus one letter ("Hartlepool 009A" is in "Hartlepool 009"). The MSOA codes come from the names
// of the features of an MSOA boundary file.
func (p *Plan) msoaByName(recs []spatlas.LSOADeprivation) (map[string]spatlas.Parent, error) {
	a := p.recipe.msoaNames
	byName := map[string]string{}
	var n int64
	err := ingest.ReadBoundaries(p.msoa, ingest.BoundaryFields{Code: a.codeFields, Name: a.nameFields}, func(b spatlas.Boundary) error {
		n++
		if b.Code == "" || b.Name == "" {
			return nil
		}
		if prev, ok := byName[b.Name]; ok && prev != b.Code {
			return spatlas.Errorf(spatlas.EINVALID, "%s: feature %d: MSOA name %q is also that of %s", p.rel(p.msoa), b.Feature, b.Name, prev)
		}
		byName[b.Name] = b.Code
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.source(p.msoa).Rows = n
	m := make(map[string]spatlas.Parent, len(recs))
	for _, r := range recs {
		name := msoaName(r.Name)
		if code, ok := byName[name]; ok {
			m[r.Code] = spatlas.Parent{Code: code, Name: name}
		}
	}
	return m, nil
}

// msoaName is the name of the MSOA an LSOA of that name lies in: the name less its final letter,
// when it ends in three digits and a capital letter; "" otherwise.
func msoaName(lsoa string) string {
	n := len(lsoa)
	if n < 5 || lsoa[n-1] < 'A' || lsoa[n-1] > 'Z' {
		return ""
	}
	for _, c := range lsoa[n-4 : n-1] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return lsoa[:n-1]
}

// regionsByLAD places each LSOA in the region of its LAD (the deprivation file's LAD code). An
// LSOA whose LAD the lookup lacks takes its region from the fallback LSOA lookup, when there is
// one.
func (p *Plan) regionsByLAD(recs []spatlas.LSOADeprivation) (map[string]spatlas.Parent, error) {
	byLAD, err := p.readParents(p.region, p.recipe.region)
	if err != nil {
		return nil, err
	}
	m := make(map[string]spatlas.Parent, len(recs))
	var unplaced bool
	for _, r := range recs {
		if rg, ok := byLAD[r.LADCode]; ok {
			m[r.Code] = rg
		} else {
			unplaced = true
		}
	}
	if !unplaced || p.regionAlt == "" {
		return m, nil
	}
	byLSOA, err := p.readParents(p.regionAlt, p.recipe.regionFallback)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if _, ok := m[r.Code]; ok {
			continue
		}
		if rg, ok := byLSOA[r.Code]; ok {
			m[r.Code] = rg
		}
	}
	return m, nil
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
