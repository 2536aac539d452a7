package geoassets

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// osmFeature fills a from the properties of an OpenStreetMap GeoJSON feature: flat tags with "id"
// or "@id" (Overpass Turbo, osmtogeojson's default) or nested {"type", "id", "tags"}.
func (b *builder) osmFeature(a *spatlas.Asset, props map[string]json.RawMessage, featureID string) {
	flat := scalars(props, false)
	var tags map[string]string
	var nestedID string
	if raw := props["tags"]; len(raw) > 0 && raw[0] == '{' {
		var t map[string]json.RawMessage
		if json.Unmarshal(raw, &t) == nil {
			tags = scalars(t, false)
		}
		if typ, n := scalar(props["type"]), scalar(props["id"]); typ != "" && n != "" && !strings.Contains(n, "/") {
			nestedID = typ + "/" + n
		}
	} else {
		tags = make(map[string]string, len(flat))
		for k, v := range flat {
			if k != "id" && !strings.HasPrefix(k, "@") {
				tags[k] = v
			}
		}
	}
	switch {
	case nestedID != "":
		a.SourceID = nestedID
	default:
		a.SourceID = strings.TrimSpace(lookup(flat, b.o.IDProps))
		if a.SourceID == "" {
			a.SourceID = featureID
		}
	}
	b.fill(a, tags)
	a.Hints.Tags = tags
}

// ReadOverpass reads the JSON output of the Overpass API ([out:json]): nodes with lat/lon, ways
// and relations with center ("out center") or bounds. Untagged elements are skipped and not
// counted; Row is the element's 1-based position in the elements array.
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
			tok, err := dec.Token()
			if err != nil {
				return nil, jsonError(file, dec, b.in, "", err)
			}
			if tok != json.Delim('[') {
				return nil, fail("not Overpass JSON: elements is not an array")
			}
			for n := 1; dec.More(); n++ {
				off := dec.InputOffset()
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, jsonError(file, dec, b.in, fmt.Sprintf(" (element %d, which starts near byte %d)", n, off), err)
				}
				b.element(n, raw)
			}
			if _, err := dec.Token(); err != nil {
				return nil, jsonError(file, dec, b.in, "", err)
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
	Tags map[string]json.RawMessage `json:"tags"`
}

func (b *builder) element(n int, raw json.RawMessage) {
	var e element
	err := json.Unmarshal(raw, &e)
	if err != nil {
		var head struct {
			Tags map[string]json.RawMessage `json:"tags"`
		}
		if json.Unmarshal(raw, &head) == nil && len(head.Tags) == 0 {
			return
		}
	} else if len(e.Tags) == 0 {
		return // a member node of a way, or an untagged way of a relation: not an asset
	}
	b.im.RowsRead++
	a := spatlas.Asset{Dataset: b.o.Dataset, File: b.o.File, Row: n, Category: b.o.Category}
	a.Hints.Category = b.o.Category
	if err != nil {
		b.reject(&a, "not an Overpass element: "+err.Error())
		return
	}
	if id := scalar(e.ID); e.Type != "" && id != "" {
		a.SourceID = e.Type + "/" + id
	}
	tags := scalars(e.Tags, false)
	b.fill(&a, tags)
	a.Hints.Tags = tags
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
			b.unplaced(&a, e.Type+" without center: query with out center")
		}
	default:
		b.reject(&a, fmt.Sprintf("an Overpass element of type %q is not a node, way or relation", e.Type))
	}
}
