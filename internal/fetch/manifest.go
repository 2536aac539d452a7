package fetch

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Files of a dataset folder that are not data: they never make a dataset present and no manifest
// file may be called so.
const (
	ProvenanceFile = "PROVENANCE.md"
	FetchedFile    = "FETCHED.json"
)

// Output formats of an ArcGIS layer.
const (
	FormatGeoJSON = "geojson"
	FormatCSV     = "csv"
)

// DefaultPageSize is the page size of an ArcGIS layer whose manifest entry gives none. ONS Open
// Geography Portal layers return at most 2,000 features a page.
const DefaultPageSize = 2000

// Manifest lists the datasets of a data directory and where their files come from.
type Manifest struct {
	Version     int       `json:"version"`
	Description string    `json:"description,omitempty"`
	Datasets    []Dataset `json:"datasets"`
}

// Dataset is one folder of the data directory.
type Dataset struct {
	Name        string `json:"name"` // folder name, e.g. "imd2019"
	Title       string `json:"title"`
	Publisher   string `json:"publisher"`
	Licence     string `json:"licence"`
	LicenceURL  string `json:"licence_url,omitempty"`
	Attribution string `json:"attribution"`
	LandingPage string `json:"landing_page"`
	Note        string `json:"note,omitempty"`
	Files       []File `json:"files"`
}

// File is one file of a dataset folder. Exactly one of URL and ArcGIS is set.
type File struct {
	Name string `json:"name"` // file name in the dataset folder; ".gz" means written gzipped
	URL  string `json:"url,omitempty"`
	// Extract names the member of the zip archive at URL to save; empty saves the download itself.
	Extract string  `json:"extract,omitempty"`
	ArcGIS  *ArcGIS `json:"arcgis,omitempty"`
	// SHA256 is the lowercase hex sha256 of the bytes served at URL; when given, a download that
	// does not match is an error and is not kept.
	SHA256   string `json:"sha256,omitempty"`
	Verified bool   `json:"verified"` // the source was confirmed when the manifest was written
	Note     string `json:"note,omitempty"`
}

// ArcGIS is a query of one ArcGIS REST FeatureServer layer.
type ArcGIS struct {
	Service   string   `json:"service"` // the layer URL, ".../FeatureServer/0"
	Where     string   `json:"where,omitempty"`
	OutFields []string `json:"out_fields,omitempty"` // empty: all fields
	PageSize  int      `json:"page_size,omitempty"`
	OrderBy   string   `json:"order_by,omitempty"` // orderByFields, for layers that need one to page
	// Format is "geojson" (default): one FeatureCollection; or "csv": a header row and one row of
	// OutFields per feature, for lookup tables.
	Format string `json:"format,omitempty"`
	// Columns renames OutFields in the CSV header, in the same order; empty keeps the field names.
	Columns []string `json:"columns,omitempty"`
}

// Dataset returns the dataset of that name.
func (m Manifest) Dataset(name string) (Dataset, bool) {
	for _, d := range m.Datasets {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}

// Names returns the dataset names in manifest order.
func (m Manifest) Names() []string {
	names := make([]string, len(m.Datasets))
	for i, d := range m.Datasets {
		names[i] = d.Name
	}
	return names
}

// Source returns the URL a file is read from: its URL or its ArcGIS layer.
func (f File) Source() string {
	if f.ArcGIS != nil {
		return f.ArcGIS.Service
	}
	return f.URL
}

// LoadManifest reads and checks a sources manifest. Any problem is an EINVALID error naming the
// line, or the dataset and file, and what is wrong.
func LoadManifest(r io.Reader) (Manifest, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Manifest{}, spatlas.Errorf(spatlas.EINVALID, "sources manifest: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, spatlas.Errorf(spatlas.EINVALID, "sources manifest: %s", jsonError(b, dec, err))
	}
	if dec.More() {
		return Manifest{}, spatlas.Errorf(spatlas.EINVALID, "sources manifest: line %d: unexpected data after the manifest object", lineOf(b, dec.InputOffset()))
	}
	if err := m.check(); err != nil {
		return Manifest{}, spatlas.Errorf(spatlas.EINVALID, "sources manifest: %v", err)
	}
	return m, nil
}

// jsonError describes a decoding error with the line it happened on.
func jsonError(b []byte, dec *json.Decoder, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %v", lineOf(b, syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: %s must be a JSON %s, not %s", lineOf(b, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty file"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("line %d: unexpected end of file", lineOf(b, int64(len(b))))
	default: // unknown field
		return fmt.Sprintf("line %d: %v", lineOf(b, dec.InputOffset()), err)
	}
}

func lineOf(b []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(b)))
	return bytes.Count(b[:offset], []byte("\n")) + 1
}

func (m Manifest) check() error {
	if m.Version != 1 {
		return fmt.Errorf("version is %d, want 1", m.Version)
	}
	if len(m.Datasets) == 0 {
		return errors.New("no datasets")
	}
	seen := map[string]bool{}
	for i, d := range m.Datasets {
		if err := checkName(d.Name); err != nil {
			return fmt.Errorf("dataset %d: name: %v", i+1, err)
		}
		if seen[d.Name] {
			return fmt.Errorf("dataset %q is listed twice", d.Name)
		}
		seen[d.Name] = true
		if err := d.check(); err != nil {
			return fmt.Errorf("dataset %q: %v", d.Name, err)
		}
	}
	return nil
}

func (d Dataset) check() error {
	for _, f := range []struct{ name, value string }{
		{"publisher", d.Publisher}, {"licence", d.Licence}, {"attribution", d.Attribution}, {"landing_page", d.LandingPage},
	} {
		if strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("%s is missing", f.name)
		}
	}
	if err := checkURL(d.LandingPage); err != nil {
		return fmt.Errorf("landing_page: %v", err)
	}
	if len(d.Files) == 0 {
		return errors.New("no files")
	}
	seen := map[string]bool{}
	for i, f := range d.Files {
		if err := checkName(f.Name); err != nil {
			return fmt.Errorf("file %d: name: %v", i+1, err)
		}
		if f.Name == ProvenanceFile || f.Name == FetchedFile {
			return fmt.Errorf("file %q: the name is reserved", f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("file %q is listed twice", f.Name)
		}
		seen[f.Name] = true
		if err := f.check(); err != nil {
			return fmt.Errorf("file %q: %v", f.Name, err)
		}
	}
	return nil
}

func (f File) check() error {
	switch {
	case f.URL == "" && f.ArcGIS == nil:
		return errors.New(`give either "url" or "arcgis"`)
	case f.URL != "" && f.ArcGIS != nil:
		return errors.New(`give "url" or "arcgis", not both`)
	case f.Extract != "" && f.URL == "":
		return errors.New(`"extract" needs a "url" of a zip archive`)
	}
	if f.SHA256 != "" {
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 || strings.ToLower(f.SHA256) != f.SHA256 {
			return fmt.Errorf("sha256 %q is not 64 lowercase hex digits", f.SHA256)
		}
	}
	if f.URL != "" {
		if err := checkURL(f.URL); err != nil {
			return fmt.Errorf("url: %v", err)
		}
		return nil
	}
	if f.SHA256 != "" {
		return errors.New("sha256 cannot be checked for an ArcGIS layer, whose pages are merged")
	}
	return f.ArcGIS.check()
}

func (a ArcGIS) check() error {
	if err := checkURL(a.Service); err != nil {
		return fmt.Errorf("arcgis service: %v", err)
	}
	if strings.HasSuffix(strings.TrimRight(a.Service, "/"), "/query") {
		return errors.New(`arcgis service is the layer URL (".../FeatureServer/0"), without "/query"`)
	}
	if a.PageSize < 0 {
		return fmt.Errorf("arcgis page_size %d is negative", a.PageSize)
	}
	for _, f := range a.OutFields {
		if strings.TrimSpace(f) == "" || strings.Contains(f, ",") {
			return fmt.Errorf("arcgis out_fields: %q is not a field name", f)
		}
	}
	switch a.Format {
	case "", FormatGeoJSON:
		if len(a.Columns) > 0 {
			return errors.New(`arcgis columns are only for "format": "csv"`)
		}
	case FormatCSV:
		if len(a.OutFields) == 0 || a.OutFields[0] == "*" {
			return errors.New(`arcgis "format": "csv" needs out_fields naming the columns`)
		}
		if len(a.Columns) > 0 && len(a.Columns) != len(a.OutFields) {
			return fmt.Errorf("arcgis columns has %d names for %d out_fields", len(a.Columns), len(a.OutFields))
		}
	default:
		return fmt.Errorf("arcgis format %q is not %q or %q", a.Format, FormatGeoJSON, FormatCSV)
	}
	return nil
}

// checkName accepts a plain file or folder name: no path separators, not "." or "..", not hidden.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("missing")
	case strings.ContainsAny(name, `/\`) || name == "." || name == ".." || path.Clean(name) != name:
		return fmt.Errorf("%q is not a plain name", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("%q starts with a dot", name)
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
