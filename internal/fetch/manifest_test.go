package fetch

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/data"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// manifestJSON is a valid manifest with one dataset whose first file entry is FILE.
func manifestJSON(file string) string {
	return `{
  "version": 1,
  "datasets": [
    {
      "name": "imd2019",
      "publisher": "MHCLG",
      "licence": "OGL v3.0",
      "attribution": "Contains public sector information",
      "landing_page": "https://www.gov.uk/x",
      "files": [
        ` + file + `
      ]
    }
  ]
}`
}

func TestLoadManifest(t *testing.T) {
	const ok = `{"name": "f.csv", "url": "https://example.org/f.csv", "verified": true}`
	tests := []struct {
		name    string
		in      string
		wantErr string // "" for a valid manifest
	}{
		{name: "valid url", in: manifestJSON(ok)},
		{name: "valid arcgis", in: manifestJSON(`{"name": "b.geojson.gz", "arcgis": {"service": "https://services1.arcgis.com/x/arcgis/rest/services/L/FeatureServer/0", "where": "1=1", "out_fields": ["A"], "page_size": 2000}}`)},
		{name: "valid zip member", in: manifestJSON(`{"name": "c.csv.gz", "url": "https://example.org/c.zip", "extract": "c.csv"}`)},
		{name: "empty file", in: "", wantErr: "empty file"},
		{name: "syntax error names the line", in: manifestJSON(`{"name": "f.csv",, "url": "x"}`), wantErr: "line 11"},
		{name: "truncated", in: manifestJSON(ok)[:60], wantErr: "unexpected end"},
		{name: "wrong type", in: `{"version": "1", "datasets": []}`, wantErr: "version must be a JSON int"},
		{name: "unknown field", in: manifestJSON(`{"name": "f.csv", "uri": "https://example.org/f.csv"}`), wantErr: `unknown field "uri"`},
		{name: "trailing data", in: manifestJSON(ok) + "\n{}", wantErr: "after the manifest"},
		{name: "wrong version", in: `{"version": 2, "datasets": []}`, wantErr: "version is 2"},
		{name: "no datasets", in: `{"version": 1, "datasets": []}`, wantErr: "no datasets"},
		{name: "neither url nor arcgis", in: manifestJSON(`{"name": "f.csv"}`), wantErr: `give either "url" or "arcgis"`},
		{name: "both url and arcgis", in: manifestJSON(`{"name": "f.csv", "url": "https://example.org/f", "arcgis": {"service": "https://example.org/FeatureServer/0"}}`), wantErr: "not both"},
		{name: "path in file name", in: manifestJSON(`{"name": "../f.csv", "url": "https://example.org/f.csv"}`), wantErr: "not a plain name"},
		{name: "reserved file name", in: manifestJSON(`{"name": "FETCHED.json", "url": "https://example.org/f.csv"}`), wantErr: "reserved"},
		{name: "not an http url", in: manifestJSON(`{"name": "f.csv", "url": "ftp://example.org/f.csv"}`), wantErr: "not an http(s) URL"},
		{name: "bad sha256", in: manifestJSON(`{"name": "f.csv", "url": "https://example.org/f.csv", "sha256": "abc"}`), wantErr: "64 lowercase hex"},
		{name: "arcgis query URL", in: manifestJSON(`{"name": "b.geojson", "arcgis": {"service": "https://example.org/FeatureServer/0/query"}}`), wantErr: `without "/query"`},
		{name: "arcgis negative page size", in: manifestJSON(`{"name": "b.geojson", "arcgis": {"service": "https://example.org/FeatureServer/0", "page_size": -1}}`), wantErr: "negative"},
		{name: "arcgis csv without fields", in: manifestJSON(`{"name": "b.csv", "arcgis": {"service": "https://example.org/FeatureServer/0", "format": "csv"}}`), wantErr: "needs out_fields"},
		{name: "arcgis columns mismatch", in: manifestJSON(`{"name": "b.csv", "arcgis": {"service": "https://example.org/FeatureServer/0", "format": "csv", "out_fields": ["A", "B"], "columns": ["a"]}}`), wantErr: "1 names for 2 out_fields"},
		{name: "arcgis unknown format", in: manifestJSON(`{"name": "b.csv", "arcgis": {"service": "https://example.org/FeatureServer/0", "format": "shp"}}`), wantErr: `format "shp"`},
		{name: "extract without url", in: manifestJSON(`{"name": "b.csv", "extract": "b.csv", "arcgis": {"service": "https://example.org/FeatureServer/0"}}`), wantErr: `"extract" needs a "url"`},
		{name: "duplicate file", in: manifestJSON(ok + ", " + ok), wantErr: `"f.csv" is listed twice`},
		{name: "missing publisher", in: strings.Replace(manifestJSON(ok), `"publisher": "MHCLG",`, "", 1), wantErr: "publisher is missing"},
		{name: "duplicate dataset", in: `{"version": 1, "datasets": [` + datasetJSON("a") + `,` + datasetJSON("a") + `]}`, wantErr: `dataset "a" is listed twice`},
		{name: "dataset name with a slash", in: `{"version": 1, "datasets": [` + datasetJSON("a/b") + `]}`, wantErr: "not a plain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := LoadManifest(strings.NewReader(tt.in))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadManifest: %v", err)
				}
				if len(m.Datasets) != 1 || len(m.Datasets[0].Files) != 1 {
					t.Errorf("manifest = %+v", m)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadManifest accepted it, want an error mentioning %q", tt.wantErr)
			}
			if code := spatlas.ErrorCode(err); code != spatlas.EINVALID {
				t.Errorf("code = %s, want %s", code, spatlas.EINVALID)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func datasetJSON(name string) string {
	return `{"name": "` + name + `", "publisher": "p", "licence": "l", "attribution": "a", "landing_page": "https://example.org/",
	"files": [{"name": "f.csv", "url": "https://example.org/f.csv"}]}`
}

// TestSourcesManifest checks the manifest spatlas ships: it loads, it lists every dataset folder
// the editions read, and every file comes from an https source.
func TestSourcesManifest(t *testing.T) {
	m, err := LoadManifest(bytes.NewReader(data.Sources()))
	if err != nil {
		t.Fatalf("data/sources.json: %v", err)
	}
	for _, e := range spatlas.Editions() {
		for _, name := range append(append([]string{}, e.Datasets...), e.Optional...) {
			if _, ok := m.Dataset(name); !ok {
				t.Errorf("edition %s reads dataset %s, which data/sources.json does not list", e.ID, name)
			}
		}
	}
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			if !strings.HasPrefix(f.Source(), "https://") {
				t.Errorf("dataset %s file %s: source %q is not https", d.Name, f.Name, f.Source())
			}
			if !f.Verified && f.Note == "" {
				t.Errorf("dataset %s file %s is unverified without a note saying why", d.Name, f.Name)
			}
		}
	}
}
