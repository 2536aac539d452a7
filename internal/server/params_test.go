package server

import (
	"reflect"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestParseItemsQuery(t *testing.T) {
	c := spatlas.Collection{ID: "iod2019-lsoa", Level: spatlas.LevelLSOA, Properties: spatlas.LevelProperties(spatlas.LevelLSOA)}
	zoom := func(z int) *int { return &z }
	tests := []struct {
		name string
		raw  string
		want spatlas.FeatureQuery
	}{
		{"defaults", "", spatlas.FeatureQuery{Collection: c, Limit: 100}},
		{"paging", "limit=10000&offset=20", spatlas.FeatureQuery{Collection: c, Limit: 10000, Offset: 20}},
		{"bbox", "bbox=-1.35,54.5,-1.1,54.62", spatlas.FeatureQuery{Collection: c, Limit: 100, BBox: &[4]float64{-1.35, 54.5, -1.1, 54.62}}},
		{"zoom", "zoom=12", spatlas.FeatureQuery{Collection: c, Limit: 100, Zoom: zoom(12)}},
		{"properties in publication order, once each", "properties=imd_decile,code,imd_decile", spatlas.FeatureQuery{Collection: c, Limit: 100, Properties: []string{"code", "imd_decile"}}},
		{"no properties", "properties=", spatlas.FeatureQuery{Collection: c, Limit: 100, Properties: []string{}}},
		{"filters sorted by name, integers canonical", "lad_code=E06000002&imd_decile=01", spatlas.FeatureQuery{Collection: c, Limit: 100,
			Filters: []spatlas.Filter{{Property: "imd_decile", Value: "1"}, {Property: "lad_code", Value: "E06000002"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseItemsQuery(c, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseFilterNumber(t *testing.T) {
	c := spatlas.Collection{ID: "iod2019-lad", Properties: []spatlas.Property{{Name: "share", Type: spatlas.TypeNumber, Queryable: true}}}
	tests := []struct {
		value, want string
		ok          bool
	}{
		{"12.50", "12.5", true},
		{"1e2", "100", true},
		{"x", "", false},
		{"NaN", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			f, err := parseFilter(c, "share", tt.value)
			if (err == nil) != tt.ok || f.Value != tt.want {
				t.Errorf("parseFilter(share=%s) = %+v, %v", tt.value, f, err)
			}
			if err != nil && spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Errorf("error code %s", spatlas.ErrorCode(err))
			}
		})
	}
}

func TestCheckDatetime(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"2019-09-26T00:00:00Z", true},
		{"2019-09-26", true},
		{"2019-01-01T00:00:00Z/2025-10-30T00:00:00Z", true},
		{"../2025-10-30", true},
		{"2019-01-01/..", true},
		{"2019-01-01/", true},
		{"../..", false},
		{"yesterday", false},
		{"2019-13-01", false},
		{"2019-01-01/2020-01-01/2021-01-01", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if err := checkDatetime(tt.in); (err == nil) != tt.ok {
				t.Errorf("checkDatetime(%q) = %v, want ok %v", tt.in, err, tt.ok)
			}
		})
	}
}
