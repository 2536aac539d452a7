package spatlas

import (
	"strings"
	"testing"
)

func TestCheckLonLat(t *testing.T) {
	tests := []struct {
		name     string
		lon, lat float64
		want     string // a fragment of the reason; "" for accepted
	}{
		{"Manchester", -2.2426, 53.4808, ""},
		{"Cardiff", -3.1791, 51.4816, ""},
		{"Kielder, Northumberland", -2.5796, 55.2319, ""},
		{"Berwick-upon-Tweed", -2.0075, 55.7704, ""},
		{"Carlisle", -2.9350, 54.8925, ""},
		{"St Mary's, Scilly", -6.30, 49.915, ""},
		{"Penzance", -5.5371, 50.1188, ""},
		{"Lowestoft", 1.7500, 52.4811, ""},
		{"Edinburgh", -3.1883, 55.9533, "outside England and Wales"},
		{"Dumfries", -3.6050, 55.0700, "outside England and Wales"},
		{"Gretna", -3.0630, 54.9950, "outside England and Wales"},
		{"Jedburgh", -2.5540, 55.4780, "outside England and Wales"},
		{"Kelso", -2.4330, 55.5980, "outside England and Wales"},
		{"Douglas, Isle of Man", -4.4820, 54.1500, "outside England and Wales"},
		{"Belfast", -5.9301, 54.5973, "outside England and Wales"},
		{"Paris", 2.3522, 48.8566, "outside England and Wales"},
		{"St Helier, Jersey", -2.1040, 49.1860, "outside England and Wales"},
		{"swapped Manchester", 53.4808, -2.2426, "swapped"},
		{"null island", 0, 0, "(0, 0)"},
		{"latitude 100", 101, 100, "latitude 100 is out of range"},
		{"longitude 200", 200, 50, "longitude 200 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckLonLat(tc.lon, tc.lat)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("CheckLonLat(%g, %g) = %q, want %q", tc.lon, tc.lat, got, tc.want)
			}
		})
	}
}

func TestCheckEastingNorthing(t *testing.T) {
	tests := []struct {
		name string
		e, n float64
		want string
	}{
		{"Manchester", 383900, 398200, ""},
		{"zero", 0, 0, "(0, 0)"},
		{"negative", -5, 100, "off the British National Grid"},
		{"Shetland", 445000, 1150000, "outside England and Wales"},
		{"degrees given as metres", -2.24, 53.48, "off the British National Grid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckEastingNorthing(tc.e, tc.n)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("CheckEastingNorthing(%g, %g) = %q, want %q", tc.e, tc.n, got, tc.want)
			}
		})
	}
}
