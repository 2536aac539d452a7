package geoassets_test

import (
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/geoassets"
)

func ExampleReadOverpass() {
	const out = `{"elements": [
  {"type": "node", "id": 299412199, "lat": 52.6277308, "lon": 1.2909467,
   "tags": {"amenity": "library", "name": "Norfolk and Norwich Millennium Library"}},
  {"type": "node", "id": 1001, "lat": 52.6301, "lon": 1.2975},
  {"type": "way", "id": 4003, "tags": {"leisure": "park", "name": "Waterloo Park"}}
]}`
	im, err := geoassets.ReadOverpass(strings.NewReader(out), geoassets.Options{Dataset: "osm", File: "norwich.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rows read:", im.RowsRead)
	for _, a := range im.Assets {
		fmt.Printf("%s %q amenity=%s at %.4f, %.4f\n", a.SourceID, a.Name, a.Hints.Tags["amenity"], a.Loc.X, a.Loc.Y)
	}
	for _, u := range im.Unlocated {
		fmt.Printf("unlocated: element %d %s: %s\n", u.Row, u.ID, u.Reason)
	}
	// Output:
	// rows read: 2
	// node/299412199 "Norfolk and Norwich Millennium Library" amenity=library at 1.2909, 52.6277
	// unlocated: element 3 way/4003: way without center or the positions of its nodes: query with out center, or out body; >; out skel
}
