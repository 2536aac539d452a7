package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Boundary is one polygon feature of a boundary file, with its geometry as WKB in the file's CRS.
type Boundary struct {
	Code    string
	Name    string
	Props   map[string]string // the feature's other scalar properties, as text
	WKB     []byte            // Polygon or MultiPolygon, 2D
	SRID    int               // 4326 (CRS84 / EPSG:4326) or 27700 (British National Grid)
	File    string
	Feature int // 1-based position of the feature in its file
}

// BoundaryFields says which feature properties hold an area's code and name. The first property
// present in a feature is used.
type BoundaryFields struct {
	Code []string
	Name []string
}

// BoundaryFiles lists the GeoJSON files of a boundary dataset: path itself when it is a file, else
// the .geojson, .json and their .gz files in the directory, sorted by name.
func BoundaryFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "boundaries: %v", err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "boundaries: %v", err)
	}
	var files []string
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".gz")
		if e.Type().IsRegular() && (strings.HasSuffix(n, ".geojson") || strings.HasSuffix(n, ".json")) {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "boundaries: %s holds no .geojson or .json files", path)
	}
	return files, nil
}

// ReadBoundaries reads one GeoJSON FeatureCollection (optionally gzipped) and passes its features
// to fn one at a time. Errors name the file and the feature.
func ReadBoundaries(path string, fields BoundaryFields, fn func(Boundary) error) error {
	rc, err := Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	return readBoundaries(path, rc, fields, fn)
}

// callbackError carries an error of the caller's fn through the scanner untouched.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// readBoundaries parses the file in one pass with a small scanner: the standard decoder scans
// every feature twice and allocates its coordinates, which made it most of a national load's
// parsing time. Boundary files are a few hundred kilobytes per district, or about 100 MB for a
// national one: held in memory whole, that is cheap on any machine spatlas runs on.
func readBoundaries(name string, r io.Reader, fields BoundaryFields, fn func(Boundary) error) error {
	fail := func(format string, args ...any) error {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fail("%v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("the file is empty")
	}
	s := &scanner{b: data}
	srid, sawType, sawFeatures, n := 4326, false, false, 0
	where := "top level"
	err = s.object(func(key string) error {
		switch key {
		case "type":
			t, err := s.str()
			if err != nil {
				return err
			}
			if t != "FeatureCollection" {
				return fail("type is %q, want FeatureCollection", t)
			}
			sawType = true
		case "crs":
			var crs string
			err := s.object(func(k string) error {
				if k != "properties" {
					return s.skip()
				}
				return s.object(func(k string) error {
					if k != "name" {
						return s.skip()
					}
					var err error
					crs, err = s.str()
					return err
				})
			})
			if err != nil {
				return err
			}
			if srid, err = sridOf(crs); err != nil {
				return fail("%v", err)
			}
		case "features":
			sawFeatures = true
			return s.array(func() error {
				n++
				where = fmt.Sprintf("feature %d", n)
				b, err := readFeature(s, fields)
				if err != nil {
					return err
				}
				b.SRID, b.File, b.Feature = srid, name, n
				if err := fn(b); err != nil {
					return callbackError{err}
				}
				return nil
			})
		default:
			return s.skip()
		}
		return nil
	})
	if err == nil {
		if s.ws(); s.i < len(s.b) {
			err = s.errorf("data after the end of the GeoJSON object")
		}
		where = "end"
	}
	var cb callbackError
	var se *spatlas.Error
	switch {
	case err == nil:
	case errors.As(err, &cb):
		return cb.err
	case errors.As(err, &se):
		return err
	case s.i >= len(s.b):
		return fail("%s: the file ends early (truncated GeoJSON)", where)
	default:
		return fail("%s: not valid GeoJSON: %v", where, err)
	}
	if !sawType || !sawFeatures {
		return fail("not a GeoJSON FeatureCollection (no type or no features)")
	}
	if n == 0 {
		return fail("the FeatureCollection has no features")
	}
	return nil
}

// sridOf maps the CRS names GeoJSON files carry in the legacy crs member to an SRID.
func sridOf(name string) (int, error) {
	n := strings.ToUpper(name)
	switch {
	case n == "", strings.HasSuffix(n, "CRS84"), strings.HasSuffix(n, ":4326"):
		return 4326, nil
	case strings.HasSuffix(n, ":27700"):
		return 27700, nil
	}
	return 0, fmt.Errorf("unsupported CRS %q (use CRS84, EPSG:4326 or EPSG:27700)", name)
}

// readFeature reads one Feature object at the scanner's position.
func readFeature(s *scanner, fields BoundaryFields) (Boundary, error) {
	b := Boundary{Props: map[string]string{}}
	var typ string
	var geom []byte
	err := s.object(func(key string) error {
		switch key {
		case "type":
			var err error
			typ, err = s.str()
			return err
		case "properties":
			if s.null() {
				return nil
			}
			return s.object(func(k string) error {
				v, err := s.scalar()
				b.Props[k] = v
				return err
			})
		case "geometry":
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			geom = s.b[start:s.i]
		default:
			return s.skip()
		}
		return nil
	})
	if err != nil {
		return b, err
	}
	if typ != "Feature" {
		return b, fmt.Errorf("type is %q, want Feature", typ)
	}
	b.Code = firstProp(b.Props, fields.Code)
	if b.Code == "" {
		return b, fmt.Errorf("no code property (looked for %s)", strings.Join(fields.Code, ", "))
	}
	b.Name = firstProp(b.Props, fields.Name)
	if g := bytes.TrimSpace(geom); len(g) == 0 || string(g) == "null" {
		return b, fmt.Errorf("%s has no geometry", b.Code)
	}
	if b.WKB, _, err = polygonWKB(geom); err != nil {
		return b, fmt.Errorf("%s: %v", b.Code, err)
	}
	return b, nil
}

func firstProp(props map[string]string, names []string) string {
	for _, n := range names {
		if v := props[n]; v != "" {
			return v
		}
	}
	return ""
}
