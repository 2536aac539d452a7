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
	c := &collectionReader{name: name, fields: fields, fn: fn, srid: 4326, props: map[string]string{}}
	data, err := io.ReadAll(r)
	if err != nil {
		var se *spatlas.Error
		if errors.As(err, &se) {
			return err
		}
		return c.fail("%v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c.fail("the file is empty")
	}
	c.s = &scanner{b: data}
	c.e = &wkbEncoder{buf: make([]byte, 0, 4<<10)} // reused by every feature
	return c.finish(c.s.object(c.member))
}

// collectionReader is the state of readBoundaries reading one FeatureCollection.
type collectionReader struct {
	name   string
	fields BoundaryFields
	fn     func(spatlas.Boundary, map[string]string) error
	s      *scanner
	e      *wkbEncoder

	srid                      int
	sawType, sawFeatures, crs bool
	n                         int              // features begun
	inFeature                 bool             // b is being read
	b                         spatlas.Boundary // the feature being read
	props                     map[string]string
}

func (c *collectionReader) fail(format string, args ...any) error {
	return spatlas.Errorf(spatlas.EINVALID, "%s: %s", c.name, fmt.Sprintf(format, args...))
}

// member reads the value of one member of the FeatureCollection object.
func (c *collectionReader) member(key string) error {
	s := c.s
	switch key {
	case "type":
		t, err := s.str()
		if err != nil {
			return err
		}
		if t != "FeatureCollection" {
			return c.fail("type is %q, want FeatureCollection", t)
		}
		c.sawType = true
	case "crs":
		return c.readCRS()
	case "features":
		if c.sawFeatures {
			return c.fail("the FeatureCollection has two features members")
		}
		c.sawFeatures = true
		return s.array(c.feature)
	default:
		return s.skip()
	}
	return nil
}

// readCRS reads the legacy crs member, which must come once, before the features.
func (c *collectionReader) readCRS() error {
	s := c.s
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
		return c.fail("%v", err)
	}
	if c.crs || (c.n > 0 && id != c.srid) {
		return c.fail("the crs member must come once, before the features")
	}
	c.srid, c.crs = id, true
	return nil
}

// feature reads one element of the features array and passes it to fn.
func (c *collectionReader) feature() error {
	if c.s.ws(); c.s.i >= len(c.s.b) {
		return c.s.errorf("unterminated array") // ends after a comma
	}
	c.n++
	c.inFeature = true
	c.b = spatlas.Boundary{SRID: c.srid, File: c.name, Feature: c.n}
	clear(c.props)
	if err := readFeature(c.s, c.fields, c.e, &c.b, c.props); err != nil {
		return err
	}
	c.inFeature = false
	if err := c.fn(c.b, c.props); err != nil {
		return callbackError{err}
	}
	return nil
}

// finish turns the outcome err of reading the collection into the error readBoundaries returns,
// naming the file and where in it the fault lies.
func (c *collectionReader) finish(err error) error {
	s := c.s
	if err == nil {
		if s.ws(); s.i < len(s.b) {
			line, col := s.lineCol(s.i)
			return c.fail("line %d, column %d: data after the end of the GeoJSON object", line, col)
		}
	}
	where := ""
	switch {
	case c.inFeature && c.b.Code != "":
		where = fmt.Sprintf("feature %d (%s): ", c.n, c.b.Code)
	case c.inFeature:
		where = fmt.Sprintf("feature %d: ", c.n)
	case c.n > 0:
		where = fmt.Sprintf("after feature %d: ", c.n)
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
		return c.fail("%sthe file ends early (truncated GeoJSON)", where)
	case errors.As(err, &syn):
		line, col := s.lineCol(syn.off)
		return c.fail("%snot valid GeoJSON: line %d, column %d: %s", where, line, col, syn.msg)
	default:
		return c.fail("%s%v", where, err)
	}
	if !c.sawType || !c.sawFeatures {
		return c.fail("not a GeoJSON FeatureCollection (no type or no features)")
	}
	if c.n == 0 {
		return c.fail("the FeatureCollection has no features")
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
