package fetch

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Missing returns the datasets, of those named (all of the manifest's when datasets is empty),
// that dataDir lacks: their folder is absent or holds no data file. A folder holds data when it
// has, at any depth, a regular file other than PROVENANCE.md, FETCHED.json and hidden
// (dot-named) files such as a download in progress.
func Missing(m Manifest, dataDir string, datasets []string) []string {
	if len(datasets) == 0 {
		datasets = m.Names()
	}
	var missing []string
	for _, name := range datasets {
		if !present(filepath.Join(dataDir, name)) {
			missing = append(missing, name)
		}
	}
	return missing
}

// present reports whether dir holds a data file.
func present(dir string) bool {
	found := errors.New("found")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != dir && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && name != ProvenanceFile && name != FetchedFile {
			return found
		}
		return nil
	})
	return err == found
}

// MissingError returns nil when nothing is missing, else one EUNAVAILABLE error that names each
// missing dataset and the two ways to provide them.
func MissingError(dataDir string, missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	what := "dataset " + missing[0] + " is"
	if len(missing) > 1 {
		what = "datasets " + strings.Join(missing, ", ") + " are"
	}
	return spatlas.Errorf(spatlas.EUNAVAILABLE,
		"%s missing from the data directory %s. Either run \"spatlas fetch %s\" where there is internet to download them from their publishers, or set SPATLAS_DATA=/path/to/data to a folder laid out like the shared data folders (one folder per dataset, e.g. %s)",
		what, dataDir, strings.Join(missing, " "), folders(missing))
}

func folders(names []string) string {
	fs := make([]string, len(names))
	for i, n := range names {
		fs[i] = fmt.Sprintf("%s/", n)
	}
	return strings.Join(fs, ", ")
}
