package app

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/oruk"
	"github.com/spatlas/spatlas/internal/readers"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/textio"
)

// FormatORUKAPI is the import format of a live Open Referral UK API, read page by page from
// its base URL.
const FormatORUKAPI = "oruk-api"

// ImportFormats lists the formats an import of kind takes: auto (from the content), the formats
// of the readers, and, for assets, a live Open Referral UK API.
func ImportFormats(kind string) []string {
	out := append([]string{"auto"}, readers.Names(kind)...)
	if kind == "" || kind == spatlas.KindAssets {
		out = append(out, FormatORUKAPI)
	}
	return out
}

// ImportStore is what importing one file needs of a store.
type ImportStore interface {
	LoadImport(ctx context.Context, im *spatlas.Import) (*spatlas.ProvisionReport, error)
	SetCategories(ctx context.Context, cs []spatlas.CategoryCount) error
}

// ImportRequest is one file (or one live API) to import, and how to read it.
type ImportRequest struct {
	Source  string // a file, or the base URL of a live Open Referral UK API
	Dataset string // the name the import is reported and filtered under
	Kind    string // spatlas.KindAssets (the default) or spatlas.KindServices
	Format  string // one of ImportFormats; "" or "auto" finds it from the content (a URL of assets is a live API)
	// Mapping names the columns of a CSV file of assets.
	Mapping tabular.Mapping
	// Category, when set, is the taxonomy category id of every asset.
	Category string
	// ORUKPath is the path of the services endpoint under a live API's base URL, and ORUKFull
	// fetches each service in full when the list lacks its locations.
	ORUKPath string
	ORUKFull bool
	// Encoding, Separator and NoHeader say how a text file is written when its content does not
	// tell (see readers.Options).
	Encoding  string
	Separator string
	NoHeader  bool
}

// Import reads one file (or one live Open Referral UK API) of any format and loads it in one
// transaction, replacing what an earlier import of the same dataset and file stored, and
// returns the load report.
func Import(ctx context.Context, store ImportStore, p Provision, req ImportRequest, logger *slog.Logger) (*spatlas.ProvisionReport, error) {
	if req.Kind == "" {
		req.Kind = spatlas.KindAssets
	}
	if err := req.Check(); err != nil {
		return nil, err
	}
	if err := checkTaxonomy(req, p); err != nil {
		return nil, err
	}
	var im *spatlas.Import
	var err error
	if req.Format == FormatORUKAPI || (req.Kind == spatlas.KindAssets && isAuto(req.Format) && isURL(req.Source)) {
		im, err = p.fetchORUK(ctx, req, logger)
	} else {
		im, err = p.ReadFile(req.Source, req.options(), nil)
	}
	if err != nil {
		return nil, err
	}
	if err := store.SetCategories(ctx, CategoryCounts(p.Taxonomy)); err != nil {
		return nil, err
	}
	rep, err := store.LoadImport(ctx, im)
	if err != nil {
		return nil, err
	}
	if rep != nil {
		rep.Warnings = im.Warnings
	}
	return rep, nil
}

// Check says what is wrong with an import request, before anything is opened.
func (req ImportRequest) Check() error {
	if req.Kind == "" {
		req.Kind = spatlas.KindAssets
	}
	formats := ImportFormats(req.Kind)
	switch {
	case req.Dataset == "":
		return spatlas.Errorf(spatlas.EINVALID, "import: -dataset is required: the name its report and features are filed under")
	case req.Kind != spatlas.KindAssets && req.Kind != spatlas.KindServices:
		return spatlas.Errorf(spatlas.EINVALID, "import: -kind %q: want assets or services", req.Kind)
	case req.Format != "" && !slices.Contains(formats, req.Format):
		return spatlas.Errorf(spatlas.EINVALID, "import: -format %q: %s files are %s", req.Format, req.Kind, strings.Join(formats, ", "))
	}
	return nil
}

// checkTaxonomy says whether the request's category and mapping name categories of the taxonomy.
func checkTaxonomy(req ImportRequest, p Provision) error {
	if req.Category != "" && !p.Taxonomy.Has(req.Category) {
		return spatlas.Errorf(spatlas.EINVALID, "import: -category %q is not a category of the taxonomy (see /api/categories)", req.Category)
	}
	return req.Mapping.Check(p.Taxonomy)
}

func isAuto(format string) bool { return format == "" || format == "auto" }

func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

func (req ImportRequest) options() readers.Options {
	return readers.Options{Kind: req.Kind, Format: req.Format, Dataset: req.Dataset, File: filepath.Base(req.Source),
		Category: req.Category, Mapping: req.Mapping, Encoding: req.Encoding, Separator: req.Separator, NoHeader: req.NoHeader}
}

// fetchORUK reads a live Open Referral UK API.
func (p Provision) fetchORUK(ctx context.Context, req ImportRequest, logger *slog.Logger) (*spatlas.Import, error) {
	c := &oruk.Client{HTTP: &http.Client{}, Base: req.Source, Path: req.ORUKPath, Full: req.ORUKFull, Logger: logger}
	im, err := c.Fetch(ctx, oruk.Options{Dataset: req.Dataset, File: req.Source, Postcodes: p.PostcodeLookup()})
	if err != nil {
		return nil, err
	}
	p.finish(im, req.Kind, req.Dataset, req.Source, im.Source)
	return im, nil
}

// ReadFile reads one provision file with the reader o.Format names, or else the one its content
// calls for, and finishes the import: its kind, dataset and file from o, every asset
// categorised, and src as its provenance (nil: the file's checksum, taken here).
func (p Provision) ReadFile(path string, o readers.Options, src *spatlas.SourceFile) (*spatlas.Import, error) {
	if o.Kind == "" {
		o.Kind = spatlas.KindAssets
	}
	if o.File == "" {
		o.File = filepath.Base(path)
	}
	o.Postcodes = p.PostcodeLookup()
	r, err := textio.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	im, _, err := readers.Read(r, o)
	if err != nil {
		return nil, err
	}
	if err := r.Close(); err != nil {
		return nil, err
	}
	if src == nil {
		src = &spatlas.SourceFile{}
		if src.SHA256, src.Bytes, err = textio.Checksum(path); err != nil {
			return nil, err
		}
	}
	p.finish(im, o.Kind, o.Dataset, o.File, *src)
	return im, nil
}

// finish files an import under its kind, dataset and file, with src as its provenance, and
// categorises its assets.
func (p Provision) finish(im *spatlas.Import, kind, dataset, file string, src spatlas.SourceFile) {
	im.Kind, im.Dataset = kind, dataset
	if im.File == "" {
		im.File = file
	}
	im.Source = src
	im.Source.Dataset, im.Source.File, im.Source.Rows = dataset, im.File, int64(im.RowsRead)
	p.Taxonomy.Assign(im.Assets)
	if kind == spatlas.KindAssets {
		im.Warnings = readers.Warnings(im)
	}
}
