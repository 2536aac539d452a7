package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// BoundaryFields says which feature properties hold an area's code and name. The first property
// present in a feature is used.
type BoundaryFields struct {
	Code []string
	Name []string
}

// BoundaryFiles lists the GeoJSON files of a boundary dataset: path itself when it is a file, else
// the .geojson, .json and their .gz files in the directory (not in its subdirectories; links to
// files count), sorted by name.
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
		n := strings.TrimSuffix(strings.ToLower(e.Name()), ".gz")
		if !strings.HasSuffix(n, ".geojson") && !strings.HasSuffix(n, ".json") {
			continue
		}
		p := filepath.Join(path, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				return nil, spatlas.Errorf(spatlas.EINVALID, "boundaries: %s: %v", p, unwrapPathError(err))
			}
			if !fi.Mode().IsRegular() {
				continue
			}
		} else if !e.Type().IsRegular() {
			continue
		}
		files = append(files, p)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "boundaries: %s holds no .geojson or .json files", path)
	}
	return files, nil
}

// unwrapPathError drops the operation and path of an *fs.PathError, which messages here already
// give.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadBoundaries reads one GeoJSON FeatureCollection (optionally gzipped) and passes its features
// to fn one at a time, each a Polygon or MultiPolygon as 2D WKB in the file's CRS (SRID 4326 for
// CRS84 or EPSG:4326, 27700 for British National Grid), its File the path. Errors name the file
// and the feature; an error of fn is returned as it is.
func ReadBoundaries(path string, fields BoundaryFields, fn func(spatlas.Boundary) error) error {
	rc, err := textio.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	return readBoundaries(path, rc, fields, func(b spatlas.Boundary, _ map[string]string) error { return fn(b) })
}

// callbackError carries an error of the caller's fn through the scanner untouched.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// readBoundaries parses the file in one pass with a small scanner that writes each geometry
// straight to WKB: the standard decoder scans every feature twice and allocates its coordinates,
// which made it most of a national load's parsing time. Boundary files are a few hundred
// kilobytes per district, or about 100 MB for a national one: held in memory whole, that is cheap
// on any machine spatlas runs on.
//
// fn is also given the feature's scalar properties as text; the map is reused by the next feature.
func readBoundaries(name string, r io.Reader, fields BoundaryFields, fn func(spatlas.Boundary, map[string]string) error) error {
	fail := func(format string, args ...any) error {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		var se *spatlas.Error
		if errors.As(err, &se) {
			return err
		}
		return fail("%v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("the file is empty")
	}
	s := &scanner{b: data}
	e := &wkbEncoder{buf: make([]byte, 0, 4<<10)} // reused by every feature
	srid, sawType, sawFeatures, sawCRS := 4326, false, false, false
	n := 0                 // features begun
	var b spatlas.Boundary // the feature being read
	props := map[string]string{}
	inFeature := false
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
			id, err := sridOf(crs)
			if err != nil {
				return fail("%v", err)
			}
			if sawCRS || (n > 0 && id != srid) {
				return fail("the crs member must come once, before the features")
			}
			srid, sawCRS = id, true
		case "features":
			if sawFeatures {
				return fail("the FeatureCollection has two features members")
			}
			sawFeatures = true
			return s.array(func() error {
				if s.ws(); s.i >= len(s.b) {
					return s.errorf("unterminated array") // ends after a comma
				}
				n++
				inFeature = true
				b = spatlas.Boundary{SRID: srid, File: name, Feature: n}
				clear(props)
				if err := readFeature(s, fields, e, &b, props); err != nil {
					return err
				}
				inFeature = false
				if err := fn(b, props); err != nil {
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
			line, col := s.lineCol(s.i)
			return fail("line %d, column %d: data after the end of the GeoJSON object", line, col)
		}
	}
	where := ""
	switch {
	case inFeature && b.Code != "":
		where = fmt.Sprintf("feature %d (%s): ", n, b.Code)
	case inFeature:
		where = fmt.Sprintf("feature %d: ", n)
	case n > 0:
		where = fmt.Sprintf("after feature %d: ", n)
	}
	var cb callbackError
	var se *spatlas.Error
	var syn *syntaxError
	switch {
	case err == nil:
	case errors.As(err, &cb):
		return cb.err
	case errors.As(err, &se):
		return err
	case s.i >= len(s.b):
		return fail("%sthe file ends early (truncated GeoJSON)", where)
	case errors.As(err, &syn):
		line, col := s.lineCol(syn.off)
		return fail("%snot valid GeoJSON: line %d, column %d: %s", where, line, col, syn.msg)
	default:
		return fail("%s%v", where, err)
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

// readFeature reads the Feature object at the scanner's position into b and its scalar properties
// into props, encoding its geometry with e. b.Code is set as soon as the properties are read, for
// error messages.
func readFeature(s *scanner, fields BoundaryFields, e *wkbEncoder, b *spatlas.Boundary, props map[string]string) error {
	var typ string
	sawGeometry := false
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
			err := s.object(func(k string) error {
				v, err := s.scalar()
				if _, ok := err.(*syntaxError); err != nil && !ok {
					return fmt.Errorf("property %q: %v", k, err)
				}
				props[k] = v
				return err
			})
			b.Code, b.Name = firstProp(props, fields.Code), firstProp(props, fields.Name)
			return err
		case "geometry":
			if sawGeometry {
				return fmt.Errorf("the feature has two geometries")
			}
			sawGeometry = true
			if s.null() {
				return nil
			}
			e.buf = e.buf[:0]
			if _, err := e.geometry(s); err != nil {
				if _, ok := err.(*syntaxError); ok {
					return err
				}
				return fmt.Errorf("geometry: %v", err)
			}
			b.WKB = bytes.Clone(e.buf)
		default:
			return s.skip()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if typ != "Feature" {
		return fmt.Errorf("type is %q, want Feature", typ)
	}
	if b.Code == "" {
		return fmt.Errorf("no code property (looked for %s)", strings.Join(fields.Code, ", "))
	}
	if b.WKB == nil {
		return fmt.Errorf("no geometry")
	}
	return nil
}

func firstProp(props map[string]string, names []string) string {
	for _, n := range names {
		if v := props[n]; v != "" {
			return v
		}
	}
	return ""
}
