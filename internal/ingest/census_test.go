package ingest

import (
	"maps"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestReadCensusPopulationLayouts(t *testing.T) {
	tests := []struct {
		file string
		want map[string]int64
	}{
		{"census_pop.csv", map[string]int64{"E01000001": 1473, "E01000002": 1324, "W01000001": 1669}},
		{"census_ts001.csv", map[string]int64{"E01000001": 1473, "E01000002": 1384, "W01000001": 1669}},
		{"census_custom.csv", map[string]int64{"E01000001": 1473, "E01000003": 1615}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := readCensusFixture(t, tt.file); !maps.Equal(got, tt.want) {
				t.Errorf("population = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadCensusPopulationTS001Errors(t *testing.T) {
	const head = "date,geography,geography code,Residence type: Total; measures: Value\n"
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"no count column", "date,geography,geography code,Households\n2021,x,E01000001,5\n",
			[]string{"c.csv:1: missing column", `"Residence type: Total; measures: Value" or "Observation"`, `"geography code"`}},
		{"twice", head + "2021,a,E01000001,5\n2021,b,E01000002,6\n2021,a,E01000001,5\n", []string{"c.csv:4: LSOA E01000001 appears twice, on lines 2 and 4"}},
		{"not an LSOA", head + "2021,England,E92000001,56490048\n", []string{"c.csv:2:", `column "geography code": "E92000001" is not an LSOA code`}},
		{"not a number", head + "2021,a,E01000001,x\n", []string{"c.csv:2:", `column "Residence type: Total; measures: Value"`}},
		{"empty count", head + "2021,a,E01000001,\n", []string{"c.csv:2:", "the count is empty"}},
		{"negative", head + "2021,a,E01000001,-3\n", []string{"c.csv:2:", "-3 residents is negative"}},
		{"header only", head, []string{"c.csv: no data rows after the header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCensusPopulation("c.csv", strings.NewReader(tt.text))
			assertErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}
