package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spatlas/spatlas/data"
	"github.com/spatlas/spatlas/internal/linkworkers"
	"github.com/spatlas/spatlas/internal/readers"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/textio"
)

// ProvisionStore is what a provision load needs of a store.
type ProvisionStore interface {
	LoadImport(ctx context.Context, im *spatlas.Import) (*spatlas.ProvisionReport, error)
	// ProvisionKey returns the input key recorded at the last load of a file, or "".
	ProvisionKey(ctx context.Context, dataset, file string) (string, error)
	SetCategories(ctx context.Context, cs []spatlas.CategoryCount) error
}

// Provision says how provision files are read.
type Provision struct {
	Taxonomy *taxonomy.Taxonomy
	// TaxonomyKey identifies the taxonomy (its checksum), so that files are classified again
	// when it changes.
	TaxonomyKey string
	// Postcodes geocodes rows that have only a postcode; nil leaves them unlocated.
	Postcodes *tabular.PostcodeTable
	// PostcodesKey identifies the postcode lookup (its checksum), so that files are reloaded
	// when it changes.
	PostcodesKey string
	// EditionsKey identifies the loaded editions, so that files are joined again to the LSOAs
	// of an edition loaded since.
	EditionsKey string
}

// EditionsKeyer names the loaded editions and their generations (postgis.DB.EditionsKey).
type EditionsKeyer interface {
	EditionsKey(ctx context.Context) (string, error)
}

// NewProvision gathers what every provision load needs: the built-in taxonomy, the loaded
// editions, and the postcode lookup at postcodes (a file or a folder), or else the one
// FindPostcodes finds in dataDir (none when both are empty).
func NewProvision(ctx context.Context, store EditionsKeyer, dataDir, postcodes string, logger *slog.Logger) (Provision, error) {
	var p Provision
	var err error
	if p.Taxonomy, err = taxonomy.Builtin(); err != nil {
		return p, err
	}
	p.TaxonomyKey = fmt.Sprintf("%x", sha256.Sum256(data.Taxonomy()))
	if p.EditionsKey, err = store.EditionsKey(ctx); err != nil {
		return p, err
	}
	if postcodes == "" && dataDir != "" {
		postcodes = FindPostcodes(dataDir)
	}
	if postcodes == "" {
		logger.Info("no postcode lookup: rows with only a postcode stay unlocated (see -postcodes)")
		return p, nil
	}
	start := time.Now()
	if p.Postcodes, p.PostcodesKey, err = tabular.LoadPostcodes(postcodes); err != nil {
		return p, err
	}
	logger.Info("postcode lookup read", "path", postcodes, "postcodes", p.Postcodes.Len(),
		"without_location", p.Postcodes.NoLocation(), "took", time.Since(start).Round(time.Millisecond))
	return p, nil
}

// FindPostcodes returns the postcode lookup of the data directory, or "": the newest file of its
// postcodes/ folder (an ONS Postcode Directory or NSPL, or Code-Point Open), or else the newest
// codepoint-open-*/ folder (OS Code-Point Open, read whole).
func FindPostcodes(dataDir string) string {
	var files []string
	for _, pattern := range []string{"*.csv*", "*.zip"} {
		f, _ := dataFiles(filepath.Join(dataDir, "postcodes"), pattern)
		files = append(files, f...)
	}
	if len(files) > 0 {
		slices.Sort(files)
		return files[len(files)-1]
	}
	dirs, _ := filepath.Glob(filepath.Join(dataDir, "codepoint-open-*"))
	for i := len(dirs) - 1; i >= 0; i-- {
		if st, err := os.Stat(dirs[i]); err == nil && st.IsDir() {
			return dirs[i]
		}
	}
	return ""
}

// PostcodeLookup returns the lookup as the importers take it: a nil interface when there is none.
func (p Provision) PostcodeLookup() spatlas.Postcodes {
	if p.Postcodes == nil {
		return nil
	}
	return p.Postcodes
}

// ProvisionFile is one provision file to load: which dataset it belongs to and how to read it.
type ProvisionFile struct {
	Dataset string
	Path    string // the file (or, for the national link worker layer, the workforce file)
	// Inputs are every file the import is built from, for the input key.
	Inputs []string
	// Options say how the file is read (the format and mapping, or none: from its content).
	Options readers.Options
	// national reads the national link worker layer, a use case of its own over several files.
	national func(p Provision) (*spatlas.Import, error)
}

// File returns the file's name within its dataset.
func (f ProvisionFile) File() string { return filepath.Base(f.Path) }

// builtinSource is a community asset source spatlas knows: a dataset folder, a file name
// pattern and how its files are read.
type builtinSource struct {
	dataset, pattern string
	o                readers.Options
}

// builtinAssets describes the community asset sources spatlas knows. Files of these datasets
// that no entry matches are not read (gm_food_banks.csv holds the food banks of
// gm_food_banks.geojson without their coordinates).
func builtinAssets() []builtinSource {
	csv := func(m tabular.Mapping) readers.Options { return readers.Options{Format: "csv", Mapping: m} }
	geo := func(category string) readers.Options { return readers.Options{Category: category} }
	oruk := readers.Options{Format: "oruk"}
	return []builtinSource{
		{"england-libraries", "libraries.csv", csv(tabular.Mapping{CategoryFixed: "learning-work",
			Exclude: []tabular.Exclude{{Column: "closed", Reason: "closed"}}})},
		{"greater-manchester-assets", "gm_food_banks.geojson", geo("food")},
		{"greater-manchester-assets", "gm_libraries.geojson", geo("learning-work")},
		{"greater-manchester-assets", "gm_libraries.csv", csv(tabular.Mapping{CategoryFixed: "learning-work"})},
		{"greater-manchester-assets", "gm_places_of_worship_RAW.geojson", geo("faith-community")},
		{"greater-manchester-assets", "sports_facilities.csv", csv(tabular.Mapping{})},
		{"greater-manchester-assets", "sports_clubs.csv", csv(tabular.Mapping{})},
		{"greater-manchester-assets", "trafford_mental_health_services.csv", csv(tabular.Mapping{CategoryFixed: "mental-health"})},
		{"greater-manchester-assets", "charities_operating_in_trafford.csv", csv(tabular.Mapping{Labels: tabular.Columns{"charity_activities"}})},
		{"greater-manchester-assets", "trafford_general_practices.csv", csv(tabular.Mapping{CategoryFixed: "health-services"})},
		{"osm-norwich-2019", "*.geojson", geo("")},
		{"openreferral-uk-live-samples", "*.json*", oruk},
		{"openreferral-uk-examples", "service_full.json", oruk},
		// Folders of the user's own files, in any format spatlas reads, told by their content.
		{"local-assets", "*", readers.Options{}},
		{"local-services", "*", readers.Options{Kind: spatlas.KindServices}},
	}
}

// ProvisionFiles lists the provision files present in dataDir, in load order: the national link
// worker layer, then the asset sources.
func ProvisionFiles(dataDir string) ([]ProvisionFile, error) {
	var fs []ProvisionFile
	if wf, _ := filepath.Glob(filepath.Join(dataDir, linkworkers.DatasetWorkforce, "pcn_workforce_individual_level_*.csv*")); len(wf) > 0 {
		var inputs []string
		datasets := []string{linkworkers.DatasetWorkforce, linkworkers.DatasetPCNMap, linkworkers.DatasetLocations}
		if ods, _ := filepath.Glob(filepath.Join(dataDir, linkworkers.DatasetODSPattern)); len(ods) > 0 {
			slices.Sort(ods)
			datasets = append(datasets, filepath.Base(ods[len(ods)-1]))
		}
		for _, ds := range datasets {
			files, err := dataFiles(filepath.Join(dataDir, ds), "*")
			if err != nil {
				return nil, err
			}
			inputs = append(inputs, files...)
		}
		fs = append(fs, ProvisionFile{Dataset: linkworkers.DatasetWorkforce, Path: wf[len(wf)-1], Inputs: inputs,
			national: func(p Provision) (*spatlas.Import, error) {
				return linkworkers.LoadNational(dataDir, p.PostcodeLookup())
			}})
	}
	for _, b := range builtinAssets() {
		files, err := dataFiles(filepath.Join(dataDir, b.dataset), b.pattern)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			o := b.o
			o.Dataset = b.dataset
			fs = append(fs, ProvisionFile{Dataset: b.dataset, Path: f, Inputs: []string{f}, Options: o})
		}
	}
	return fs, nil
}

// dataFiles lists the data files in dir matching pattern, sorted, leaving out documentation;
// a missing dir has none.
func dataFiles(dir, pattern string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range m {
		base := filepath.Base(f)
		if st, err := os.Stat(f); err != nil || st.IsDir() || strings.HasPrefix(base, ".") ||
			strings.HasSuffix(strings.ToLower(base), ".md") || strings.HasSuffix(strings.ToLower(base), ".txt") {
			continue
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return out, nil
}

// Key returns the input key of a file: a checksum over its inputs, the taxonomy, the postcode
// lookup, the loaded editions and the reading rules, so that a load can skip a file when none of
// them changed; and the provenance of the file itself, checksummed on the way.
func (f ProvisionFile) Key(p Provision) (string, spatlas.SourceFile, error) {
	src := spatlas.SourceFile{Dataset: f.Dataset, File: f.File()}
	h := sha256.New()
	fmt.Fprintf(h, "spatlas provision v1\n%s\n%s\n", f.Dataset, f.File())
	for _, in := range f.Inputs {
		sum, n, err := textio.Checksum(in)
		if err != nil {
			return "", src, err
		}
		if in == f.Path {
			src.SHA256, src.Bytes = sum, n
		}
		fmt.Fprintf(h, "%s %s\n", filepath.Base(in), sum)
	}
	fmt.Fprintf(h, "taxonomy %s\npostcodes %s\neditions %s\n", p.TaxonomyKey, p.PostcodesKey, p.EditionsKey)
	return hex.EncodeToString(h.Sum(nil)), src, nil
}

// Read reads the file into an import with every asset categorised, and src, the file's
// provenance from Key, as its source.
func (f ProvisionFile) Read(p Provision, src spatlas.SourceFile) (*spatlas.Import, error) {
	if f.national == nil {
		return p.ReadFile(f.Path, f.Options, &src)
	}
	im, err := f.national(p)
	if err != nil {
		return nil, err
	}
	p.finish(im, spatlas.KindServices, f.Dataset, f.File(), src)
	return im, nil
}

// LoadProvision loads the provision files of dataDir whose inputs changed since their last load
// (all of them with force), each in its own transaction, and returns the reports of the files it
// loaded. The taxonomy is recorded first, for labels and the map's legend.
func LoadProvision(ctx context.Context, store ProvisionStore, dataDir string, p Provision,
	force bool, logger *slog.Logger) ([]*spatlas.ProvisionReport, error) {
	if err := store.SetCategories(ctx, CategoryCounts(p.Taxonomy)); err != nil {
		return nil, err
	}
	files, err := ProvisionFiles(dataDir)
	if err != nil {
		return nil, err
	}
	var reps []*spatlas.ProvisionReport
	for _, f := range files {
		key, src, err := f.Key(p)
		if err != nil {
			return reps, err
		}
		if !force {
			old, err := store.ProvisionKey(ctx, f.Dataset, f.File())
			if err != nil {
				return reps, err
			}
			if old == key {
				logger.Info("provision unchanged, skipped", "dataset", f.Dataset, "file", f.File())
				continue
			}
		}
		im, err := f.Read(p, src)
		if err != nil {
			return reps, err
		}
		im.Key = key
		rep, err := store.LoadImport(ctx, im)
		if err != nil {
			return reps, err
		}
		logger.Info("provision loaded", "dataset", rep.Dataset, "file", rep.File, "kind", rep.Kind, "read", rep.RowsRead,
			"loaded", rep.Loaded, "merged", rep.Merged, "rejected", rep.Rejected.Count, "unlocated", rep.Unlocated.Count,
			"excluded", rep.Excluded.Count, "no_lsoa", rep.NoLSOA)
		reps = append(reps, rep)
	}
	return reps, nil
}

// CategoryCounts lists the taxonomy's categories, with no counts, for the store.
func CategoryCounts(t *taxonomy.Taxonomy) []spatlas.CategoryCount {
	cs := t.Categories()
	out := make([]spatlas.CategoryCount, len(cs))
	for i, c := range cs {
		out[i] = spatlas.CategoryCount{ID: c.ID, Label: c.Label, Group: c.Group, GroupLabel: c.GroupLabel, Colour: c.Colour}
	}
	return out
}
