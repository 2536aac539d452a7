package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/testenv"
)

type editionsKey string

func (k editionsKey) EditionsKey(context.Context) (string, error) { return string(k), nil }

func TestFindPostcodes(t *testing.T) {
	mk := func(dir string, files ...string) string {
		for _, f := range files {
			p := filepath.Join(dir, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name  string
		files []string
		want  string // relative to the data directory; "" for none
	}{
		{"none", []string{"imd2019/a.csv"}, ""},
		{"postcodes folder", []string{"postcodes/NSPL_FEB_2024.csv", "postcodes/NSPL_MAY_2025.csv.gz", "postcodes/README.md",
			"codepoint-open-2025-10/codepo.csv.gz"}, "postcodes/NSPL_MAY_2025.csv.gz"},
		{"a zip in the postcodes folder", []string{"postcodes/codepo_gb.zip"}, "postcodes/codepo_gb.zip"},
		{"the newest Code-Point folder", []string{"codepoint-open-2024-10/a.csv", "codepoint-open-2025-10/Data/CSV/m.csv",
			"codepoint-open-2026-01.md"}, "codepoint-open-2025-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := mk(t.TempDir(), tt.files...)
			want := ""
			if tt.want != "" {
				want = filepath.Join(dir, tt.want)
			}
			if got := FindPostcodes(dir); got != want {
				t.Errorf("FindPostcodes = %q, want %q", got, want)
			}
		})
	}
}

func TestNewProvisionPostcodes(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "codepoint-open-2025-10"), os.DirFS("../tabular/testdata/codepoint")); err != nil {
		t.Fatal(err)
	}
	p, err := NewProvision(context.Background(), editionsKey("e"), dir, "", logger)
	if err != nil {
		t.Fatal(err)
	}
	if p.Postcodes == nil || p.Postcodes.Len() != 4 || len(p.PostcodesKey) != 64 {
		t.Fatalf("lookup %v, key %q", p.Postcodes, p.PostcodesKey)
	}
	// The key of every provision file includes the lookup's checksum.
	f := ProvisionFile{Dataset: "d", Path: filepath.Join(dir, "x.csv")}
	k1, _, err := f.Key(p)
	if err != nil {
		t.Fatal(err)
	}
	p.PostcodesKey = "another"
	if k2, _, _ := f.Key(p); k1 == k2 {
		t.Error("the file's key does not change with the postcode lookup")
	}
	if _, err := NewProvision(context.Background(), editionsKey("e"), dir, filepath.Join(dir, "none.csv"), logger); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		t.Errorf("a missing -postcodes file: %v", err)
	}
}

// TestPostcodeOnlyRealData reads the Greater Manchester files with and without the Code-Point
// Open lookup of SPATLAS_DATA: the rows with only a postcode are placed, except those whose
// postcode Code-Point does not have, which stay unlocated with that reason.
func TestPostcodeOnlyRealData(t *testing.T) {
	dataDir := testenv.DataDir(t)
	cp := FindPostcodes(dataDir)
	if !strings.Contains(cp, "codepoint-open-") {
		t.Skip("no codepoint-open-* folder in SPATLAS_DATA")
	}
	pc, _, err := tabular.LoadPostcodes(cp)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ProvisionFiles(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	before, after := 0, 0
	for _, f := range files {
		if f.Dataset != "greater-manchester-assets" {
			continue
		}
		var n [2]int
		for i, p := range []Provision{testProvision(t), {Taxonomy: testProvision(t).Taxonomy, Postcodes: pc}} {
			im, err := f.Read(p, spatlas.SourceFile{Dataset: f.Dataset, File: f.File()})
			if err != nil {
				t.Fatal(err)
			}
			checkBuckets(t, im)
			n[i] = len(im.Unlocated)
			for _, u := range im.Unlocated {
				if i == 1 {
					t.Logf("%s row %d (%q): %s", f.File(), u.Row, u.Postcode, u.Reason)
				}
				if i == 1 && u.Postcode != "" && !strings.Contains(u.Reason, "not in the postcode lookup") {
					t.Errorf("%s row %d (%s): reason %q", f.File(), u.Row, u.Postcode, u.Reason)
				}
			}
		}
		t.Logf("%s: unlocated %d without the lookup, %d with it", f.File(), n[0], n[1])
		before += n[0]
		after += n[1]
	}
	t.Logf("Greater Manchester: unlocated %d without the lookup, %d with it", before, after)
	if before < 900 || after > before/10 {
		t.Errorf("unlocated %d without the lookup, %d with it", before, after)
	}
}

// TestProvisionFilesNationalInputs checks that the national layer's input key covers the newest
// ODS epraccur folder, so that a new ODS file reloads it.
func TestProvisionFilesNationalInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"pcn-workforce/pcn_workforce_individual_level_2025-11.csv", "gp-practice-pcn-map/map.csv",
		"gp-practices-epraccur-2024-12/epraccur.csv", "gp-practices-epraccur-2025-09/epraccur.csv.gz"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := ProvisionFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 || fs[0].Dataset != "pcn-workforce" {
		t.Fatalf("files %+v", fs)
	}
	var rel []string
	for _, in := range fs[0].Inputs {
		r, _ := filepath.Rel(dir, in)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := "pcn-workforce/pcn_workforce_individual_level_2025-11.csv gp-practice-pcn-map/map.csv gp-practices-epraccur-2025-09/epraccur.csv.gz"
	if strings.Join(rel, " ") != want {
		t.Errorf("inputs %v, want %s", rel, want)
	}
}
