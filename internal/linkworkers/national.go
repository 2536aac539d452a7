package linkworkers

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// LoadNational reads the national link worker layer from the data directory: the PCN workforce
// file in pcn-workforce/ (pcn_workforce_individual_level_*.csv, gzipped or not), the practice map
// in gp-practice-pcn-map/ (gp-reg-pat-prac-map*.csv) and the practice locations: the ODS epraccur
// file (epraccur*.csv, gzipped or not) of the newest gp-practices-epraccur-*/ folder, whose
// postcodes are placed through pc, and the NHS Choices files of 2014 in
// gp-practices-nhs-choices-2014/ (GPPractices.csv, preferred, and GP.csv, which fills its gaps:
// see MergeLocations). Each folder must hold one matching workforce and map file; the location
// files may be missing when pc is not nil.
//
// The import is the workforce file's: Dataset "pcn-workforce", File and Source the workforce
// file (sha256 of the file as stored, bytes, rows read). The other files it was built from show in
// the Totals: practice_map_rows, and for each location file read,
// location_records_<file> and location_records_without_coordinates_<file>.
func LoadNational(dataDir string, pc spatlas.Postcodes) (*spatlas.Import, error) {
	wfPath, err := findOne(dataDir, DatasetWorkforce, "pcn_workforce_individual_level_*.csv", "pcn_workforce_individual_level_*.csv.gz")
	if err != nil {
		return nil, err
	}
	mapPath, err := findOne(dataDir, DatasetPCNMap, "gp-reg-pat-prac-map*.csv", "gp-reg-pat-prac-map*.csv.gz")
	if err != nil {
		return nil, err
	}
	var wf map[string]PCNWorkforce
	var wfRows int
	if err := readFile(wfPath, func(name string, r io.Reader) (err error) {
		wf, wfRows, err = ReadWorkforce(name, r)
		return err
	}); err != nil {
		return nil, err
	}
	var practices []Practice
	if err := readFile(mapPath, func(name string, r io.Reader) (err error) {
		practices, err = ReadPracticeMap(name, r)
		return err
	}); err != nil {
		return nil, err
	}

	src, totals, err := readPracticeSources(dataDir, pc)
	if err != nil {
		return nil, err
	}
	src.MapFile = filepath.Join(DatasetPCNMap, filepath.Base(mapPath))
	im := PlacePCNLinkWorkers(DatasetWorkforce, wf, practices, src)
	for k, v := range totals {
		im.Totals[k] = v
	}
	im.Totals["practice_map_rows"] = float64(len(practices))
	im.Totals["workforce_rows"] = float64(wfRows)
	im.File = filepath.Base(wfPath)
	for i := range im.Services {
		im.Services[i].File = im.File
	}
	sum, size, err := textio.Checksum(wfPath)
	if err != nil {
		return nil, err
	}
	im.Source = spatlas.SourceFile{Dataset: DatasetWorkforce, File: im.File, SHA256: sum, Bytes: size, Rows: int64(wfRows)}
	return im, nil
}

// readPracticeSources reads the practice location files of the data directory, with the counts of
// their records for the Totals.
func readPracticeSources(dataDir string, pc spatlas.Postcodes) (PracticeSources, map[string]float64, error) {
	src := PracticeSources{Postcodes: pc}
	totals := make(map[string]float64)
	if path, err := findEpraccur(dataDir); err != nil {
		return src, nil, err
	} else if path != "" {
		if err := readFile(path, func(name string, r io.Reader) (err error) {
			src.ODS, err = ReadEpraccur(name, r)
			src.ODSFile = name
			return err
		}); err != nil {
			return src, nil, err
		}
		totals["ods_records"] = float64(len(src.ODS))
	}
	var locs map[string]PracticeLocation
	locDir := filepath.Join(dataDir, DatasetLocations)
	for _, names := range [][]string{{"GPPractices.csv", "GPPractices.csv.gz"}, {"GP.csv", "GP.csv.gz"}} {
		path := ""
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(locDir, n)); err == nil {
				path = filepath.Join(locDir, n)
				break
			}
		}
		if path == "" {
			continue
		}
		var got map[string]PracticeLocation
		var n LocationsRead
		if err := readFile(path, func(name string, r io.Reader) (err error) {
			got, n, err = ReadPracticeLocations(name, r)
			return err
		}); err != nil {
			return src, nil, err
		}
		base := filepath.Base(path)
		totals["location_records_"+base] = float64(n.Records)
		totals["location_records_without_coordinates_"+base] = float64(n.NoCoordinates)
		if locs == nil {
			locs = got
		} else {
			locs = MergeLocations(locs, got)
		}
	}
	if locs == nil && pc == nil {
		return src, nil, spatlas.Errorf(spatlas.ENOTFOUND,
			"%s: no GPPractices.csv or GP.csv, and no postcode lookup: the practices of the PCN map cannot be located", locDir)
	}
	src.Locations = locs
	return src, totals, nil
}

// findEpraccur returns the ODS epraccur file of the newest gp-practices-epraccur-* folder of
// dataDir, or "" when there is none.
func findEpraccur(dataDir string) (string, error) {
	dirs, err := filepath.Glob(filepath.Join(dataDir, DatasetODSPattern))
	if err != nil || len(dirs) == 0 {
		return "", nil
	}
	slices.Sort(dirs)
	rel, err := filepath.Rel(dataDir, dirs[len(dirs)-1])
	if err != nil {
		return "", spatlas.Errorf(spatlas.EINTERNAL, "%s: %v", dirs[len(dirs)-1], err)
	}
	return findOne(dataDir, rel, "epraccur*.csv", "epraccur*.csv.gz")
}

// findOne returns the one file in dataDir/dataset matching any of the patterns.
func findOne(dataDir, dataset string, patterns ...string) (string, error) {
	dir := filepath.Join(dataDir, dataset)
	var found []string
	for _, p := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return "", spatlas.Errorf(spatlas.EINTERNAL, "glob %s: %v", p, err)
		}
		found = append(found, m...)
	}
	switch len(found) {
	case 0:
		return "", spatlas.Errorf(spatlas.ENOTFOUND, "%s: no file named %s", dir, strings.Join(patterns, " or "))
	case 1:
		return found[0], nil
	}
	for i := range found {
		found[i] = filepath.Base(found[i])
	}
	return "", spatlas.Errorf(spatlas.EINVALID, "%s: %d files could be the one to read (%s): keep one",
		dir, len(found), strings.Join(found, ", "))
}

// readFile opens path (gzipped or not) and passes it to read under its dataset/file name.
func readFile(path string, read func(name string, r io.Reader) error) error {
	f, err := textio.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
	if err := read(name, f); err != nil {
		return err
	}
	return f.Close()
}
