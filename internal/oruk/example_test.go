package oruk_test

import (
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/oruk"
)

func ExampleRead() {
	doc := `[
	  {"id": "s1", "name": "Lunch Club", "status": "active",
	   "attributes": [{"taxonomy_term": {"code": "social-groups", "name": "Social groups"}}],
	   "service_at_locations": [
	     {"id": "sal1", "location": {"id": "L1", "latitude": 51.4545, "longitude": -2.5879,
	      "addresses": [{"address_1": "1 High Street", "city": "Bristol", "postal_code": "BS1 1AA"}]}},
	     {"id": "sal2", "location": {"id": "L2", "latitude": 100, "longitude": 101}}]},
	  {"id": "s2", "name": "Advice Line", "status": "active"}
	]`
	im, err := oruk.Read(strings.NewReader(doc), oruk.Options{Dataset: "example", File: "services.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("services", im.Totals["services"], "units", im.RowsRead)
	for _, a := range im.Assets {
		fmt.Printf("asset %s %q at %g, %g (%s) terms %q\n", a.SourceID, a.Name, a.Loc.X, a.Loc.Y, a.Address, a.Hints.Terms)
	}
	for _, r := range im.Rejected {
		fmt.Printf("rejected record %d %s: %s\n", r.Row, r.ID, r.Reason)
	}
	for _, u := range im.Unlocated {
		fmt.Printf("unlocated record %d %s: %s\n", u.Row, u.ID, u.Reason)
	}
	// Output:
	// services 2 units 3
	// asset s1@L1 "Lunch Club" at -2.5879, 51.4545 (1 High Street, Bristol, BS1 1AA) terms ["social-groups" "Social groups"]
	// rejected record 1 s1@L2: location L2: latitude 100 is out of range (-90 to 90)
	// unlocated record 2 s2: no service_at_locations in the record (list responses carry none: fetch each service in full)
}
