package textio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

func TestOpen(t *testing.T) {
	const text = "lsoa21_code,IMD_rank\nE01000001,26525\n"
	dir := t.TempDir()
	gz := testenv.Gzip(t, []byte(text))
	files := map[string][]byte{
		"plain.csv":      []byte(text),
		"gzipped.csv.gz": gz,
		"misnamed.csv":   gz, // gzipped, whatever the name says
		"plain.csv.gz":   []byte(text),
		"empty.csv":      nil,
		"one-byte.csv":   {0x1f},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file string
		want string
	}{
		{"plain.csv", text},
		{"gzipped.csv.gz", text},
		{"misnamed.csv", text},
		{"plain.csv.gz", text},
		{"empty.csv", ""},
		{"one-byte.csv", "\x1f"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rc, err := Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("read %q, want %q", got, tt.want)
			}
			if err := rc.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if _, err := rc.(*openFile).f.Stat(); !errors.Is(err, os.ErrClosed) {
				t.Errorf("after Close, Stat of the file = %v, want %v", err, os.ErrClosed)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	gz := testenv.Gzip(t, bytes.Repeat([]byte("E01000001,City of London 001A,29199\n"), 2000))
	truncated := filepath.Join(dir, "truncated.csv.gz")
	if err := os.WriteFile(truncated, gz[:len(gz)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	badHeader := filepath.Join(dir, "bad-header.gz")
	if err := os.WriteFile(badHeader, []byte{0x1f, 0x8b, 0x99, 0x00}, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.csv")

	t.Run("missing file", func(t *testing.T) {
		_, err := Open(missing)
		testenv.ErrorMentions(t, err, spatlas.ENOTFOUND, missing, "no such file")
	})
	t.Run("directory", func(t *testing.T) {
		_, err := Open(dir)
		testenv.ErrorMentions(t, err, spatlas.EINVALID, dir, "is a directory")
	})
	t.Run("bad gzip header", func(t *testing.T) {
		_, err := Open(badHeader)
		testenv.ErrorMentions(t, err, spatlas.EINVALID, badHeader, "not a valid gzip file")
	})
	t.Run("truncated gzip", func(t *testing.T) {
		rc, err := Open(truncated)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		_, err = io.ReadAll(rc)
		testenv.ErrorMentions(t, err, spatlas.EINVALID, truncated, "truncated gzip")
	})
	t.Run("truncated gzip through the CSV reader", func(t *testing.T) {
		rc, err := Open(truncated)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		_, err = ReadTable("truncated.csv.gz", rc)
		testenv.ErrorMentions(t, err, spatlas.EINVALID, truncated, "truncated gzip")
	})
}
