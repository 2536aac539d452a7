package fetch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// writeFiles creates the files (paths relative to dir, with folders) holding their own names.
func writeFiles(tb testing.TB, dir string, names ...string) {
	tb.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(n), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name    string
		files   []string // under the dataset folder; nil: no folder
		folder  bool     // create the folder even without files
		present bool
	}{
		{name: "absent folder", present: false},
		{name: "empty folder", folder: true, present: false},
		{name: "provenance and fetch record only", files: []string{ProvenanceFile, FetchedFile}, present: false},
		{name: "download in progress only", files: []string{".File_7.csv.123.download", ".part/x.csv"}, present: false},
		{name: "one data file", files: []string{ProvenanceFile, "File_1_-_IMD2019.csv.gz"}, present: true},
		{name: "data in a subfolder", files: []string{"by_lad/E06000001.json.gz"}, present: true},
	}
	dataDir := t.TempDir()
	var all []Dataset
	for i, tt := range tests {
		name := "ds" + string(rune('a'+i))
		all = append(all, dataset(name, File{Name: "f.csv", URL: "https://example.org/f.csv"}))
		if tt.folder {
			if err := os.MkdirAll(filepath.Join(dataDir, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		writeFiles(t, filepath.Join(dataDir, name), tt.files...)
	}
	m := manifest(t, all...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := all[i].Name
			got := Missing(m, dataDir, []string{name})
			if wantMissing := !tt.present; (len(got) == 1) != wantMissing {
				t.Errorf("Missing = %q, want missing=%v", got, wantMissing)
			}
		})
	}
	t.Run("all datasets by default, in manifest order", func(t *testing.T) {
		got := Missing(m, dataDir, nil)
		want := []string{"dsa", "dsb", "dsc", "dsd"}
		if !slices.Equal(got, want) {
			t.Errorf("Missing = %q, want %q", got, want)
		}
	})
	t.Run("names outside the manifest are checked by folder", func(t *testing.T) {
		writeFiles(t, filepath.Join(dataDir, "extra"), "x.csv")
		got := Missing(m, dataDir, []string{"extra", "nowhere"})
		if !slices.Equal(got, []string{"nowhere"}) {
			t.Errorf("Missing = %q, want [nowhere]", got)
		}
	})
}

func TestMissingError(t *testing.T) {
	if err := MissingError("data/raw", nil); err != nil {
		t.Errorf("MissingError with nothing missing = %v, want nil", err)
	}
	tests := []struct {
		name    string
		missing []string
	}{
		{name: "one", missing: []string{"imd2019"}},
		{name: "several", missing: []string{"imd2025", "lsoa2021-boundaries-bgc", "geography-lookups"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MissingError("data/raw", tt.missing)
			if code := spatlas.ErrorCode(err); code != spatlas.EUNAVAILABLE {
				t.Errorf("code = %s, want %s", code, spatlas.EUNAVAILABLE)
			}
			msg := spatlas.ErrorMessage(err)
			want := append([]string{"data/raw", "spatlas fetch " + strings.Join(tt.missing, " "), "SPATLAS_DATA=", "shared data folders"}, tt.missing...)
			for _, s := range want {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not say %q", msg, s)
				}
			}
			if strings.Count(msg, "\n") != 0 {
				t.Errorf("message spans several lines: %q", msg)
			}
		})
	}
}
