package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

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

// ReadBoundaries streams the features of one GeoJSON FeatureCollection (optionally gzipped) to
// fn, one at a time, so that a national file never has to fit in memory as a document. Errors
// name the file and the feature.
func ReadBoundaries(path string, fields BoundaryFields, fn func(Boundary) error) error {
	rc, err := Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	return readBoundaries(path, rc, fields, fn)
}

func readBoundaries(name string, r io.Reader, fields BoundaryFields, fn func(Boundary) error) error {
	dec := json.NewDecoder(r)
	fail := func(format string, args ...any) error {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	syntax := func(err error, where string) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fail("%s: the file ends early (truncated GeoJSON)", where)
		}
		return fail("%s: not valid GeoJSON: %v", where, err)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fail("the file is empty")
		}
		return syntax(err, "start")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fail("not a GeoJSON object")
	}
	srid, sawType, sawFeatures, n := 4326, false, false, 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err, "top level")
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var t string
			if err := dec.Decode(&t); err != nil {
				return syntax(err, "type")
			}
			if t != "FeatureCollection" {
				return fail("type is %q, want FeatureCollection", t)
			}
			sawType = true
		case "crs":
			var crs struct {
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			}
			if err := dec.Decode(&crs); err != nil {
				return syntax(err, "crs")
			}
			if srid, err = sridOf(crs.Properties.Name); err != nil {
				return fail("%v", err)
			}
		case "features":
			sawFeatures = true
			if tok, err := dec.Token(); err != nil {
				return syntax(err, "features")
			} else if d, ok := tok.(json.Delim); !ok || d != '[' {
				return fail("features is not an array")
			}
			for dec.More() {
				n++
				var f rawFeature
				if err := dec.Decode(&f); err != nil {
					return syntax(err, fmt.Sprintf("feature %d", n))
				}
				b, err := f.boundary(fields)
				if err != nil {
					return fail("feature %d: %v", n, err)
				}
				b.SRID, b.File, b.Feature = srid, name, n
				if err := fn(b); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return syntax(err, fmt.Sprintf("after feature %d", n))
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntax(err, key)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err, "end")
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

type rawFeature struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   *geojson.Geometry          `json:"geometry"`
}

func (f *rawFeature) boundary(fields BoundaryFields) (Boundary, error) {
	var b Boundary
	if f.Type != "Feature" {
		return b, fmt.Errorf("type is %q, want Feature", f.Type)
	}
	b.Props = make(map[string]string, len(f.Properties))
	for k, v := range f.Properties {
		b.Props[k] = scalarText(v)
	}
	b.Code = firstProp(b.Props, fields.Code)
	if b.Code == "" {
		return b, fmt.Errorf("no code property (looked for %s)", strings.Join(fields.Code, ", "))
	}
	b.Name = firstProp(b.Props, fields.Name)
	if f.Geometry == nil {
		return b, fmt.Errorf("%s has no geometry", b.Code)
	}
	g := f.Geometry.Geometry()
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
	default:
		return b, fmt.Errorf("%s is a %s, want Polygon or MultiPolygon", b.Code, f.Geometry.Type)
	}
	var err error
	if b.WKB, err = wkb.Marshal(g); err != nil {
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

// scalarText renders a JSON scalar as text: strings unquoted, null as "", others as written.
func scalarText(v json.RawMessage) string {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}
