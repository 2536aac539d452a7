package readers_test

import (
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/readers"
)

func ExampleRead() {
	const doc = `{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"Name": "BRASS Bolton", "Postcode": "BL3 2HP"},
   "geometry": {"type": "Point", "coordinates": [-2.4180017, 53.5603452]}},
  {"type": "Feature", "properties": {"Name": "Latitude 100"},
   "geometry": {"type": "Point", "coordinates": [-2.4, 100]}}
]}`
	im, format, err := readers.Read(strings.NewReader(doc), readers.Options{File: "food.geojson", Category: "food"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format.Name, im.RowsRead, "rows")
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
