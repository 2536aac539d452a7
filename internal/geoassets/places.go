package geoassets

import (
	"fmt"
	"slices"
	"strings"
)

// placeKeys are the OpenStreetMap keys of places people go: a feature with one of them is a
// candidate asset whatever else it is.
func placeKeys() []string {
	return []string{"amenity", "leisure", "shop", "office", "social_facility", "healthcare", "craft", "club",
		"tourism", "sport", "emergency"}
}

// infrastructureKeys are the OpenStreetMap keys of things that are not places people are
// referred to: roads and paths, rivers, railways, land use, boundaries, the natural landscape,
// power lines and the like.
func infrastructureKeys() []string {
	return []string{"highway", "waterway", "railway", "landuse", "boundary", "natural", "power", "barrier",
		"route", "place", "man_made", "aeroway", "public_transport", "admin_level"}
}

// landscapePlaces are the values of infrastructure keys that are places people go (and that
// the taxonomy places): allotments, recreation grounds, woods and beaches.
func landscapePlaces() []string {
	return []string{"landuse=allotments", "landuse=recreation_ground", "landuse=village_green", "landuse=religious",
		"landuse=meadow", "landuse=forest", "landuse=grass", "natural=wood", "natural=heath", "natural=grassland",
		"natural=scrub", "natural=wetland", "natural=water", "natural=beach"}
}

// notAPlace returns why OpenStreetMap tags describe something that is not a place people go (a
// road, a river, a railway, a boundary, land use: METHODS.md says assets are places people can
// be referred to), or "" when they may be one.
func notAPlace(tags map[string]string) string {
	for _, k := range placeKeys() {
		if v := strings.TrimSpace(tags[k]); v != "" && v != "no" {
			return ""
		}
	}
	for _, k := range infrastructureKeys() {
		v := strings.TrimSpace(tags[k])
		if v == "" {
			continue
		}
		if slices.Contains(landscapePlaces(), k+"="+v) {
			return ""
		}
		return fmt.Sprintf("not a place people go (%s=%s, and no amenity, leisure, shop, office, social_facility, healthcare, craft or club tag)", k, v)
	}
	return ""
}
