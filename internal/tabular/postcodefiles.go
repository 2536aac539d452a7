package tabular

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// LoadPostcodes reads the postcode lookup at path, which is one CSV file (gzipped or not), a zip
// archive of CSV files, or a folder of them, as OS Code-Point Open ships its per-area files
// (Data/CSV/*.csv): every CSV file of the folder and its subfolders is read, in name order, except
// those under a Doc folder (the publisher's documentation). key is a checksum over the files
// read: the file's own sha256 for a single file.
func LoadPostcodes(path string) (t *PostcodeTable, key string, err error) {
	files, err := postcodeFiles(path)
	if err != nil {
		return nil, "", err
	}
	t = &PostcodeTable{}
	h := sha256.New()
	for _, f := range files {
		sum, _, err := textio.Checksum(f)
		if err != nil {
			return nil, "", err
		}
		key = sum
		rel, _ := filepath.Rel(path, f)
		fmt.Fprintf(h, "%s %s\n", filepath.ToSlash(rel), sum)
		if isZip(f) {
			err = t.readZip(f)
		} else {
			err = t.readFile(f)
		}
		if err != nil {
			return nil, "", err
		}
	}
	if len(files) > 1 {
		key = hex.EncodeToString(h.Sum(nil))
	}
	t.Finish()
	return t, key, nil
}

// postcodeFiles lists the files of the lookup at path.
func postcodeFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.ENOTFOUND, "postcode lookup %s: no such file or folder", path)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != path && (strings.EqualFold(d.Name(), "doc") || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case !d.IsDir() && isPostcodeFile(d.Name()):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "postcode lookup %s: %v", path, err)
	}
	if len(files) == 0 {
		return nil, spatlas.Errorf(spatlas.ENOTFOUND, "postcode lookup %s: the folder has no .csv, .csv.gz or .zip file", path)
	}
	slices.Sort(files)
	return files, nil
}

func isPostcodeFile(name string) bool {
	n := strings.ToLower(name)
	return !strings.HasPrefix(n, ".") &&
		(strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz") || strings.HasSuffix(n, ".zip"))
}

func isZip(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".zip") }

// readFile adds the postcodes of one CSV file, gzipped or not.
func (t *PostcodeTable) readFile(path string) error {
	r, err := textio.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := t.ReadFrom(filepath.Base(path), r); err != nil {
		return err
	}
	return r.Close()
}

// readZip adds the postcodes of every CSV file of a zip archive, in name order, except those
// under a Doc folder.
func (t *PostcodeTable) readZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return spatlas.Errorf(spatlas.EINVALID, "%s: not a valid zip archive: %v", path, err)
	}
	defer zr.Close()
	var members []*zip.File
	for _, f := range zr.File {
		dir := strings.ToLower("/" + filepath.ToSlash(filepath.Dir(f.Name)) + "/")
		if !f.FileInfo().IsDir() && strings.HasSuffix(strings.ToLower(f.Name), ".csv") && !strings.Contains(dir, "/doc/") {
			members = append(members, f)
		}
	}
	if len(members) == 0 {
		return spatlas.Errorf(spatlas.EINVALID, "%s: the archive has no CSV file", path)
	}
	slices.SortFunc(members, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range members {
		if err := t.readMember(path, f); err != nil {
			return err
		}
	}
	return nil
}

// readMember adds the postcodes of one file of a zip archive.
func (t *PostcodeTable) readMember(archive string, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s: %v", archive, f.Name, err)
	}
	defer rc.Close()
	return t.ReadFrom(filepath.Base(archive)+":"+f.Name, rc)
}
