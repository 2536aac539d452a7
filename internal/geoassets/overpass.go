package geoassets

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// ReadOverpass reads the JSON output of the Overpass API ([out:json]): nodes with lat/lon, ways
// and relations with center ("out center"), bounds, geometry ("out geom"), or the nodes and
// ways they are made of ("out body; >; out skel"). A closed way, or a relation whose ways close
// into rings, is placed at a point on the surface of its area; an open way half-way along.
// Untagged elements (the nodes of ways, say) are not assets and not counted; Row is the
// element's 1-based position in the elements array.
func ReadOverpass(r io.Reader, o Options) (*spatlas.Import, error) {
	o = o.withDefaults(true)
	b := newBuilder(r, o)
	file := o.fileName()
	fail := func(format string, args ...any) error {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s", file, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(b.in)
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(file, dec, b.in, "", err)
	}
	if tok != json.Delim('{') {
		return nil, fail("not Overpass JSON: the document is not a JSON object")
	}
	set := &overpassSet{nodes: map[int64]orb.Point{}, ways: map[int64][]int64{}}
	var remark string
	sawElements := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(file, dec, b.in, "", err)
		}
		switch key, _ := tok.(string); key {
		case "elements":
			sawElements = true
			if err := set.read(dec, b.in, file); err != nil {
				return nil, err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, jsonError(file, dec, b.in, "", err)
			}
			if key == "remark" {
				_ = json.Unmarshal(raw, &remark)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(file, dec, b.in, "", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, jsonError(file, dec, b.in, " after the Overpass object", err)
		}
		return nil, fail("more JSON follows the Overpass object at byte %d", dec.InputOffset())
	}
	if strings.Contains(strings.ToLower(remark), "error") {
		return nil, fail("the Overpass API reported %q: the result is incomplete; run the query again", remark)
	}
	if !sawElements {
		return nil, fail("not Overpass JSON: no elements array")
	}
	for _, t := range set.tagged {
		b.element(set, t)
	}
	if err := b.checkMapped(); err != nil {
		return nil, err
	}
	return b.done(), nil
}

type latLon struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
}

// element is one element of Overpass JSON.
type element struct {
	Type   string          `json:"type"`
	ID     json.RawMessage `json:"id"`
	Lat    *float64        `json:"lat"`
	Lon    *float64        `json:"lon"`
	Center *latLon         `json:"center"`
	Bounds *struct {
		MinLat float64 `json:"minlat"`
		MinLon float64 `json:"minlon"`
		MaxLat float64 `json:"maxlat"`
		MaxLon float64 `json:"maxlon"`
	} `json:"bounds"`
	Nodes    []int64  `json:"nodes"`
	Geometry []latLon `json:"geometry"`
	Members  []struct {
		Type     string   `json:"type"`
		Ref      int64    `json:"ref"`
		Role     string   `json:"role"`
		Geometry []latLon `json:"geometry"`
	} `json:"members"`
	Tags map[string]json.RawMessage `json:"tags"`
}

// taggedElement is an element that may be an asset, with its position and why it could not be
// decoded ("" when it could).
type taggedElement struct {
	n   int
	e   element
	bad string
}

// overpassSet is what the elements array holds: the position of every node and the nodes of
// every way, so that ways and relations can be placed from them, and the tagged elements.
type overpassSet struct {
	nodes  map[int64]orb.Point
	ways   map[int64][]int64
	tagged []taggedElement
}

// read reads the elements array.
func (s *overpassSet) read(dec *json.Decoder, in *countingReader, file string) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(file, dec, in, "", err)
	}
	if tok != json.Delim('[') {
		return spatlas.Errorf(spatlas.EINVALID, "%s: not Overpass JSON: elements is not an array", file)
	}
	for n := 1; dec.More(); n++ {
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonError(file, dec, in, fmt.Sprintf(" (element %d, which starts near byte %d)", n, off), err)
		}
		s.add(n, raw)
	}
	if _, err := dec.Token(); err != nil {
		return jsonError(file, dec, in, "", err)
	}
	return nil
}

// add files one element.
func (s *overpassSet) add(n int, raw json.RawMessage) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		var head struct {
			Tags map[string]json.RawMessage `json:"tags"`
		}
		if json.Unmarshal(raw, &head) == nil && len(head.Tags) > 0 {
			s.tagged = append(s.tagged, taggedElement{n: n, bad: "not an Overpass element: " + err.Error()})
		}
		return
	}
	id, idErr := strconv.ParseInt(scalar(e.ID), 10, 64)
	switch {
	case idErr != nil:
	case e.Type == "node" && e.Lat != nil && e.Lon != nil:
		s.nodes[id] = orb.Point{*e.Lon, *e.Lat}
	case e.Type == "way" && len(e.Nodes) > 0:
		s.ways[id] = e.Nodes
	}
	if len(e.Tags) > 0 {
		s.tagged = append(s.tagged, taggedElement{n: n, e: e})
	}
}

// element reads one tagged element into an asset, or an issue.
func (b *builder) element(s *overpassSet, t taggedElement) {
	b.im.RowsRead++
	a := spatlas.Asset{Dataset: b.o.Dataset, File: b.o.File, Row: t.n, Category: b.o.Category}
	a.Hints.Category = b.o.Category
	if t.bad != "" {
		b.reject(&a, t.bad)
		return
	}
	e := t.e
	if id := scalar(e.ID); e.Type != "" && id != "" {
		a.SourceID = e.Type + "/" + id
	}
	tags := scalars(e.Tags, false)
	excluded := b.fill(&a, tags)
	a.Hints.Tags = tags
	if excluded == "" {
		excluded = notAPlace(tags)
	}
	if excluded != "" {
		b.exclude(&a, excluded)
		return
	}
	at := func(lon, lat float64) {
		b.place(&a, spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, "")
	}
	switch e.Type {
	case "node":
		if e.Lat == nil || e.Lon == nil {
			b.unplaced(&a, "node without lat and lon: query with out body or out center")
			return
		}
		at(*e.Lon, *e.Lat)
	case "way", "relation":
		switch {
		case e.Center != nil && e.Center.Lat != nil && e.Center.Lon != nil:
			at(*e.Center.Lon, *e.Center.Lat)
		case e.Bounds != nil:
			at((e.Bounds.MinLon+e.Bounds.MaxLon)/2, (e.Bounds.MinLat+e.Bounds.MaxLat)/2)
		default:
			g := s.shape(e)
			if g == nil {
				b.unplaced(&a, e.Type+" without center or the positions of its nodes: query with out center, or out body; >; out skel")
				return
			}
			loc, reason := locate(g, spatlas.SRIDWGS84, true)
			b.place(&a, loc, reason)
		}
	default:
		b.reject(&a, fmt.Sprintf("an Overpass element of type %q is not a node, way or relation", e.Type))
	}
}

// shape returns the line or area a way or relation makes of the positions of its nodes (its own
// geometry, with out geom, or the nodes the file holds), or nil when the file has none of them.
func (s *overpassSet) shape(e element) orb.Geometry {
	if e.Type == "way" {
		pts := s.line(e.Nodes, e.Geometry)
		if len(pts) == 0 {
			return nil
		}
		if len(pts) >= 4 && pts[0] == pts[len(pts)-1] {
			return orb.Polygon{orb.Ring(pts)}
		}
		return orb.LineString(pts)
	}
	var lines [][]orb.Point
	var first *orb.Point
	for _, m := range e.Members {
		switch m.Type {
		case "way":
			if m.Role == "inner" {
				continue
			}
			if pts := s.line(s.ways[m.Ref], m.Geometry); len(pts) > 0 {
				lines = append(lines, pts)
			}
		case "node":
			if p, ok := s.nodes[m.Ref]; ok && first == nil {
				first = &p
			}
		}
	}
	if rings := joinRings(lines); len(rings) > 0 {
		mp := make(orb.MultiPolygon, len(rings))
		for i, r := range rings {
			mp[i] = orb.Polygon{r}
		}
		return mp
	}
	if len(lines) > 0 {
		ml := make(orb.MultiLineString, len(lines))
		for i, l := range lines {
			ml[i] = l
		}
		return ml
	}
	if first != nil {
		return *first
	}
	return nil
}

// line returns the positions of a way: its own geometry, or else those of its nodes the file
// holds (nodes outside the export are left out).
func (s *overpassSet) line(nodes []int64, geometry []latLon) []orb.Point {
	var pts []orb.Point
	for _, g := range geometry {
		if g.Lat != nil && g.Lon != nil {
			pts = append(pts, orb.Point{*g.Lon, *g.Lat})
		}
	}
	if len(pts) > 0 {
		return pts
	}
	for _, id := range nodes {
		if p, ok := s.nodes[id]; ok {
			pts = append(pts, p)
		}
	}
	return pts
}

// joinRings joins the ways of a multipolygon end to end into closed rings, leaving out what does
// not close.
func joinRings(lines [][]orb.Point) []orb.Ring {
	var rings []orb.Ring
	open := append([][]orb.Point(nil), lines...)
	for len(open) > 0 {
		cur := append([]orb.Point(nil), open[0]...)
		open = open[1:]
		for len(cur) < 4 || cur[0] != cur[len(cur)-1] {
			i := joinable(cur, open)
			if i < 0 {
				break
			}
			next := open[i]
			open = append(open[:i], open[i+1:]...)
			if cur[len(cur)-1] != next[0] {
				next = reversed(next)
			}
			cur = append(cur, next[1:]...)
		}
		if len(cur) >= 4 && cur[0] == cur[len(cur)-1] {
			rings = append(rings, orb.Ring(cur))
		}
	}
	return rings
}

// joinable returns the index of the line of open that starts or ends where cur ends, or -1.
func joinable(cur []orb.Point, open [][]orb.Point) int {
	end := cur[len(cur)-1]
	for i, l := range open {
		if l[0] == end || l[len(l)-1] == end {
			return i
		}
	}
	return -1
}

func reversed(l []orb.Point) []orb.Point {
	out := make([]orb.Point, len(l))
	for i, p := range l {
		out[len(l)-1-i] = p
	}
	return out
}
