package geoassets

import (
	"encoding/json"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// osmFeature fills a from the properties of an OpenStreetMap GeoJSON feature: flat tags with "id"
// or "@id" (Overpass Turbo, osmtogeojson's default) or nested {"type", "id", "tags"}. It returns
// why the feature is excluded, or "".
func (b *builder) osmFeature(a *spatlas.Asset, props map[string]json.RawMessage, featureID string) string {
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
	excluded := b.fill(a, tags)
	a.Hints.Tags = tags
	if excluded == "" {
		excluded = notAPlace(tags)
	}
	return excluded
}
