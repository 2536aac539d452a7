package tabular

import (
	"strings"
	"testing"
)

func TestIsEpraccur(t *testing.T) {
	row := strings.Split("A81001,THE DENSHAM SURGERY,Y63,QHM,THE HEALTH CENTRE,LAWSON STREET,STOCKTON-ON-TEES,CLEVELAND,,TS18 1HU,19740401,,A,B,16C,20130401,,01642 672351,,,,0,,,,4,", ",")
	tests := []struct {
		name string
		row  []string
		want bool
	}{
		{"a practice", row, true},
		{"a header", strings.Split("organisation_code,name,national_grouping,high_level_health_geography,address_line_1,address_line_2,address_line_3,address_line_4,address_line_5,postcode,open_date,close_date,status_code,organisation_subtype_code,commissioner,join_provider_purchaser_date,left_provider_purchaser_date,contact_telephone_number,null_19,null_20,null_21,amended_record_indicator,null_23,provider_purchaser,null_25,prescribing_setting,null_27", ","), false},
		{"too few fields", row[:26], false},
		{"no postcode", replace(row, 9, "NOT A POSTCODE"), false},
		{"a status code that is not one", replace(row, 12, "X"), false},
		{"an open date that is not one", replace(row, 10, "1974-04-01"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsEpraccur(tt.row); got != tt.want {
				t.Errorf("IsEpraccur = %v, want %v", got, tt.want)
			}
		})
	}
}

func replace(row []string, i int, v string) []string {
	out := append([]string(nil), row...)
	out[i] = v
	return out
}

func TestPresetKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"site_name", "sitename"},
		{"Site Name", "sitename"},
		{"SITE-NAME", "sitename"},
		{"addr:postcode", "addrpostcode"},
		{"NAME", "name"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PresetKey(tt.in); got != tt.want {
			t.Errorf("PresetKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPresetColumn(t *testing.T) {
	header := []string{"OBJECTID", "Site Name", "SITE_TYPE", "Post Code"}
	tests := []struct {
		names []string
		want  int
	}{
		{DefaultPresets().Name, 1},
		{DefaultPresets().Category, 2},
		{DefaultPresets().Postcode, 3},
		{DefaultPresets().ID, 0},
		{DefaultPresets().URL, -1},
	}
	for _, tt := range tests {
		if got := presetColumn(header, tt.names); got != tt.want {
			t.Errorf("presetColumn(%v) = %d, want %d", tt.names[:2], got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"52.631", 52.631, true},
		{"52,631", 52.631, true},
		{"-1,5", -1.5, true},
		{"1,234.5", 0, false},
		{"1,2,3", 0, false},
		{"NaN", 0, false},
	}
	for _, tt := range tests {
		got, ok := number(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("number(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{"St Mary&apos;s": "St Mary's", "Tea &amp; Chat": "Tea & Chat", "A & B": "A & B", "plain": "plain"} {
		if got := Unescape(in); got != want {
			t.Errorf("Unescape(%q) = %q, want %q", in, got, want)
		}
	}
}
