package geoassets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func (o Options) fileName() string {
	if o.File != "" {
		return o.File
	}
	return "input"
}

// ReadGeoJSON reads a GeoJSON FeatureCollection (or a single Feature) of community assets.
func ReadGeoJSON(r io.Reader, o Options) (*spatlas.Import, error) {
	return readGeoJSON(r, o.withDefaults(false), false)
}

// ReadOSMGeoJSON reads OpenStreetMap data converted to GeoJSON (osmtogeojson, Overpass Turbo):
// properties are the raw tags plus the OSM id ("node/123").
func ReadOSMGeoJSON(r io.Reader, o Options) (*spatlas.Import, error) {
	return readGeoJSON(r, o.withDefaults(true), true)
}

func readGeoJSON(r io.Reader, o Options, osm bool) (*spatlas.Import, error) {
	b := newBuilder(r, o)
	err := walkGeoJSON(b.in, o.fileName(), func(row int, f *feature, bad string, srid int) {
		b.feature(row, f, bad, srid, osm)
	})
	if err != nil {
		return nil, err
	}
	if err := b.checkMapped(); err != nil {
		return nil, err
	}
	return b.done(), nil
}

// builder collects one file's import.
type builder struct {
	o    Options
	im   *spatlas.Import
	hash hash.Hash
	in   *countingReader
	seen map[string]bool // the property names of the features read
}

func newBuilder(r io.Reader, o Options) *builder {
	b := &builder{
		o:    o,
		im:   &spatlas.Import{Dataset: o.Dataset, File: o.File},
		hash: sha256.New(),
		seen: map[string]bool{},
	}
	b.in = &countingReader{r: io.TeeReader(r, b.hash)}
	return b
}

func (b *builder) done() *spatlas.Import {
	b.im.Source = spatlas.SourceFile{
		Dataset: b.o.Dataset,
		File:    b.o.File,
		SHA256:  hex.EncodeToString(b.hash.Sum(nil)),
		Bytes:   b.in.n,
		Rows:    int64(b.im.RowsRead),
	}
	b.im.Fields = b.fields()
	return b.im
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (b *builder) issue(a *spatlas.Asset, reason string) spatlas.RowIssue {
	return spatlas.RowIssue{Row: a.Row, ID: a.SourceID, Name: a.Name, Postcode: a.Postcode, Reason: reason}
}

func (b *builder) reject(a *spatlas.Asset, reason string) {
	b.im.Rejected = append(b.im.Rejected, b.issue(a, reason))
}

func (b *builder) exclude(a *spatlas.Asset, reason string) {
	b.im.Excluded = append(b.im.Excluded, b.issue(a, reason))
}

// place adds a to the assets when loc can be an asset's location, else rejects it.
func (b *builder) place(a *spatlas.Asset, loc spatlas.Location, reason string) {
	if reason == "" {
		reason = checkLoc(loc)
	}
	if reason != "" {
		b.reject(a, reason)
		return
	}
	a.Loc = loc
	b.im.Assets = append(b.im.Assets, *a)
}

// unplaced places a feature without a position at its postcode when it can, else records it as
// unlocated with why (and what became of its postcode).
func (b *builder) unplaced(a *spatlas.Asset, why string) {
	switch {
	case a.Postcode == "":
	case b.o.Postcodes == nil:
		why += fmt.Sprintf("; postcode %s needs a postcode lookup", a.Postcode)
	default:
		lon, lat, ok := b.o.Postcodes.Lookup(a.Postcode)
		if ok {
			b.place(a, spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, "")
			return
		}
		why += fmt.Sprintf("; postcode %s is not in the postcode lookup", a.Postcode)
	}
	b.im.Unlocated = append(b.im.Unlocated, b.issue(a, why))
}

// feature is one element of a FeatureCollection's features.
type feature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties json.RawMessage `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"` // nil or null for none
}

// decodeFeature decodes the next feature of dec. An error that is not a *json.UnmarshalTypeError
// is the file's (a syntax error, a truncated file); a type error is the feature's, returned as a
// reason.
func decodeFeature(dec *json.Decoder, f *feature) (reason string, err error) {
	err = dec.Decode(f)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &ute) && ute.Field == "":
		return fmt.Sprintf("not a GeoJSON Feature: the feature is a JSON %s", ute.Value), nil
	case errors.As(err, &ute):
		return fmt.Sprintf("not a GeoJSON Feature: %s is a JSON %s", ute.Field, ute.Value), nil
	}
	return "", err
}

func (b *builder) feature(row int, f *feature, bad string, srid int, osm bool) {
	b.im.RowsRead++
	a := spatlas.Asset{Dataset: b.o.Dataset, File: b.o.File, Row: row, Category: b.o.Category}
	a.Hints.Category = b.o.Category
	if bad != "" {
		b.reject(&a, bad)
		return
	}
	var props map[string]json.RawMessage
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		if err := json.Unmarshal(f.Properties, &props); err != nil {
			b.reject(&a, "properties is not an object")
			return
		}
	}
	var excluded string
	var p map[string]string
	if !osm || len(b.o.Coords.Lon)+len(b.o.Coords.Easting) > 0 {
		p = scalars(props, true)
	}
	if osm {
		excluded = b.osmFeature(&a, props, scalar(f.ID))
	} else {
		a.SourceID = lookup(p, b.o.IDProps)
		if a.SourceID == "" {
			a.SourceID = scalar(f.ID)
		}
		excluded = b.fill(&a, p)
	}
	if f.Type != "Feature" {
		b.reject(&a, fmt.Sprintf("not a GeoJSON Feature (type %q)", f.Type))
		return
	}
	if excluded != "" {
		b.exclude(&a, excluded)
		return
	}
	if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
		if loc, reason, ok := b.propLoc(p); ok {
			b.place(&a, loc, reason)
			return
		}
		b.unplaced(&a, "no geometry")
		return
	}
	g, reason := decodeGeometry(f.Geometry)
	if reason != "" {
		b.reject(&a, reason)
		return
	}
	loc, reason := locate(g, srid, osm)
	b.place(&a, loc, reason)
}

// walkGeoJSON reads a GeoJSON FeatureCollection, or a single Feature, and calls each with every
// feature, its 1-based position, why it is not a feature ("" when it is) and the file's SRID. It
// returns a *spatlas.Error for a file that is not JSON or not GeoJSON, or has an unsupported crs.
// Features are handed on as they are read, so a crs other than CRS84 must come before the
// features (as writers put it).
func walkGeoJSON(r *countingReader, file string, each func(row int, f *feature, bad string, srid int)) error {
	w := &geoWalker{dec: json.NewDecoder(r), r: r, file: file, srid: spatlas.SRIDWGS84, members: map[string]json.RawMessage{}}
	tok, err := w.dec.Token()
	if err != nil {
		return w.jsonError("", err)
	}
	if tok != json.Delim('{') {
		return w.fail("not GeoJSON: the document is not a JSON object")
	}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.jsonError("", err)
		}
		key, _ := tok.(string)
		if key == "features" {
			err = w.features(each)
		} else {
			err = w.member(key)
		}
		if err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.jsonError("", err)
	}
	if _, err := w.dec.Token(); err != io.EOF {
		if err != nil {
			return w.jsonError(" after the GeoJSON object", err)
		}
		return w.fail("more JSON follows the GeoJSON object at byte %d", w.dec.InputOffset())
	}
	return w.finish(each)
}

// geoWalker is the state of walkGeoJSON: what the members read so far say.
type geoWalker struct {
	dec                 *json.Decoder
	r                   *countingReader
	file                string
	typ                 string
	srid                int
	sawCRS, sawFeatures bool
	rows                int
	members             map[string]json.RawMessage // of a single Feature
}

func (w *geoWalker) fail(format string, args ...any) error {
	return spatlas.Errorf(spatlas.EINVALID, "%s: %s", w.file, fmt.Sprintf(format, args...))
}

func (w *geoWalker) jsonError(where string, err error) error {
	return jsonError(w.file, w.dec, w.r, where, err)
}

// features reads the features array, handing on each feature as it is read.
func (w *geoWalker) features(each func(row int, f *feature, bad string, srid int)) error {
	w.sawFeatures = true
	tok, err := w.dec.Token()
	if err != nil {
		return w.jsonError("", err)
	}
	if tok != json.Delim('[') {
		return w.fail("not GeoJSON: features is not an array")
	}
	for w.dec.More() {
		w.rows++
		byteOff := w.dec.InputOffset()
		var f feature
		bad, err := decodeFeature(w.dec, &f)
		if err != nil {
			return w.jsonError(fmt.Sprintf(" (feature %d, which starts near byte %d)", w.rows, byteOff), err)
		}
		each(w.rows, &f, bad, w.srid)
	}
	if _, err := w.dec.Token(); err != nil {
		return w.jsonError("", err)
	}
	return nil
}

// member reads a top-level member other than features.
func (w *geoWalker) member(key string) error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return w.jsonError("", err)
	}
	switch key {
	case "type":
		if err := json.Unmarshal(raw, &w.typ); err != nil {
			return w.fail("not GeoJSON: type is not a string")
		}
	case "crs":
		if w.sawCRS {
			return w.fail("the crs member comes twice")
		}
		srid, err := sridOf(raw)
		if err != nil {
			return w.fail("%v", err)
		}
		if w.rows > 0 && srid != spatlas.SRIDWGS84 {
			return w.fail("the crs member must come before the features")
		}
		w.srid, w.sawCRS = srid, true
	case "id", "properties", "geometry":
		w.members[key] = raw
	}
	return nil
}

// finish checks the document's type, and hands on the feature of a single Feature.
func (w *geoWalker) finish(each func(row int, f *feature, bad string, srid int)) error {
	switch w.typ {
	case "FeatureCollection":
		if !w.sawFeatures {
			return w.fail("not GeoJSON: a FeatureCollection without features")
		}
	case "Feature":
		if w.sawFeatures {
			return w.fail("not GeoJSON: a Feature with features")
		}
		w.members["type"] = json.RawMessage(`"Feature"`)
		raw, err := json.Marshal(w.members)
		if err != nil {
			return w.fail("%v", err)
		}
		var f feature
		bad, _ := decodeFeature(json.NewDecoder(bytes.NewReader(raw)), &f)
		each(1, &f, bad, w.srid)
	case "":
		return w.fail("not GeoJSON: the object has no type member")
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return w.fail("a bare %s geometry: give a FeatureCollection or a Feature", w.typ)
	default:
		return w.fail("not GeoJSON: type %q is not FeatureCollection or Feature", w.typ)
	}
	return nil
}

// jsonError turns a decoding error into a *spatlas.Error naming the file and the byte offset.
func jsonError(file string, dec *json.Decoder, r *countingReader, where string, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON at byte %d%s: %v", file, syn.Offset, where, err)
	case errors.Is(err, io.EOF) && dec.InputOffset() == 0:
		return spatlas.Errorf(spatlas.EINVALID, "%s: the file is empty", file)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return spatlas.Errorf(spatlas.EINVALID, "%s: the JSON ends early, at byte %d%s: the file is truncated", file, r.n, where)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// sridOf maps the legacy crs member of a GeoJSON file to an SRID.
func sridOf(raw json.RawMessage) (int, error) {
	if string(raw) == "null" {
		return spatlas.SRIDWGS84, nil
	}
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string          `json:"name"`
			Code json.RawMessage `json:"code"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil {
		return 0, fmt.Errorf("the crs member is not a GeoJSON crs object")
	}
	name := crs.Properties.Name
	if strings.EqualFold(crs.Type, "EPSG") {
		name = "EPSG:" + strings.Trim(string(crs.Properties.Code), `"`)
	}
	if srid := sridOfName(name); srid != 0 {
		return srid, nil
	}
	if name == "" {
		return 0, fmt.Errorf("unsupported crs of type %q (use CRS84, EPSG:4326 or EPSG:27700)", crs.Type)
	}
	return 0, fmt.Errorf("unsupported crs %q (use CRS84, EPSG:4326 or EPSG:27700)", name)
}

// sridOfName reads "urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::27700",
// "http://www.opengis.net/def/crs/EPSG/0/27700" and the like; 0 means unsupported.
func sridOfName(name string) int {
	u := strings.ToUpper(strings.TrimSpace(name))
	if strings.HasSuffix(u, "CRS84") {
		return spatlas.SRIDWGS84
	}
	i := strings.LastIndex(u, "EPSG")
	if i < 0 {
		return 0
	}
	rest := u[i+len("EPSG"):]
	code, err := strconv.Atoi(rest[strings.LastIndexAny(rest, ":/")+1:])
	if err != nil {
		return 0
	}
	switch code {
	case spatlas.SRIDWGS84, spatlas.SRIDBNG:
		return code
	}
	return 0
}
