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
	// unlocated: element 3 way/4003: way without center: query with out center
}

func ExampleRead() {
	const doc = `{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"Name": "BRASS Bolton", "Postcode": "BL3 2HP"},
   "geometry": {"type": "Point", "coordinates": [-2.4180017, 53.5603452]}},
  {"type": "Feature", "properties": {"Name": "Latitude 100"},
   "geometry": {"type": "Point", "coordinates": [-2.4, 100]}}
]}`
	im, format, err := geoassets.Read(strings.NewReader(doc), geoassets.Options{File: "food.geojson", Category: "food"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format, im.RowsRead, "rows")
	for _, a := range im.Assets {
		fmt.Printf("row %d %q %s category %s\n", a.Row, a.Name, a.Postcode, a.Category)
	}
	for _, r := range im.Rejected {
		fmt.Printf("rejected row %d: %s\n", r.Row, r.Reason)
	}
	// Output:
	// geojson 2 rows
	// row 1 "BRASS Bolton" BL3 2HP category food
	// rejected row 2: latitude 100 is out of range (-90 to 90)
}
