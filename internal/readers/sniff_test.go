package readers

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSniffFiles(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"featurecollection.geojson", ContentGeoJSON},
		{"feature.geojson", ContentGeoJSON},
		{"features-first.geojson", ContentGeoJSON},
		{"osmtogeojson.geojson", ContentOSM},
		{"overpass.json", ContentOverpass},
		{"oruk-list.json", ContentORUK},
		{"oruk-page.json", ContentORUK},
		{"oruk-service.json", ContentORUK},
		{"assets.csv", ContentCSV},
		{"bom-crlf.csv", ContentCSV},
		{"services.csv", ContentCSV},
		{"not-geojson.json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := Sniff(b); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{name: "geojson", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": 12}}]}`, want: ContentGeoJSON},
		{name: "osm geojson", doc: `{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "node/299412199", "properties": {}}]}`, want: ContentOSM},
		{name: "overpass turbo export", doc: `{"type": "FeatureCollection", "generator": "overpass-turbo", "features": [{"type": "Feature", "properties": {"@id" : "way/4"}}]}`, want: ContentOSM},
		{name: "features first", doc: `{"features": [], "type": "FeatureCollection"}`, want: ContentGeoJSON},
		{name: "single feature", doc: `{"type": "Feature", "geometry": null, "properties": {"name": "way/1"}}`, want: ContentGeoJSON},
		{name: "bare geometry", doc: `{"type": "Point", "coordinates": [-2.2, 53.4]}`, want: ContentGeoJSON},
		{name: "overpass", doc: `{"version": 0.6, "generator": "Overpass API", "osm3s": {"copyright": "ODbL"}, "elements": []}`, want: ContentOverpass},
		{name: "oruk array", doc: `[{"id": "1", "name": "A"}]`, want: ContentORUK},
		{name: "oruk empty array", doc: ` [] `, want: ContentORUK},
		{name: "oruk paged", doc: `{"total_items": 0, "contents": []}`, want: ContentORUK},
		{name: "oruk older paged", doc: `{"totalElements": 0, "content": []}`, want: ContentORUK},
		{name: "oruk service", doc: `{"id": "1", "name": "A", "status": "active"}`, want: ContentORUK},
		{name: "oruk service at location", doc: `{"id": "1", "service": {"id": "s"}, "location": {}}`, want: ContentORUK},
		{name: "oruk organisation", doc: `{"id": "o", "name": "Org", "services": []}`, want: ContentORUK},
		{name: "oruk services only", doc: `{"services": []}`, want: ContentORUK},
		{name: "csv", doc: "name,lat,lon\nA,53,-2\n", want: ContentCSV},
		{name: "csv with a byte order mark", doc: "\xef\xbb\xbfname,lat\r\n", want: ContentCSV},
		{name: "csv in Windows-1252", doc: "name,caf\xe9\n", want: ContentCSV},
		{name: "one column", doc: "name\n", want: ContentCSV},
		{name: "empty", doc: ``, want: ""},
		{name: "blank", doc: " \n\n", want: ""},
		{name: "zip", doc: "PK\x03\x04\x14\x00\x00\x00", want: ""},
		{name: "other JSON object", doc: `{"name": "x"}`, want: ""},
		{name: "broken JSON", doc: `{"type": `, want: ""},
		{name: "type not GeoJSON", doc: `{"type": "Topology", "objects": {}}`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.doc)); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSniffLongHead(t *testing.T) {
	// A paged list whose first member outgrows the head is still told by the keys before it.
	doc := append([]byte(`{"contents": [{"id": "1", "description": "`), make([]byte, SniffSize)...)
	for i := range doc[len(doc)-SniffSize:] {
		doc[len(doc)-SniffSize+i] = 'x'
	}
	if got := Sniff(doc[:SniffSize]); got != ContentORUK {
		t.Errorf("Sniff = %q, want %q", got, ContentORUK)
	}
}
