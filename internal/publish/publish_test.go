package publish

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func ptr[T any](v T) *T { return &v }

func TestProperties(t *testing.T) {
	cols := []spatlas.Column{
		{Name: "n", Type: spatlas.TypeInteger, Levels: []string{"lsoa", "lad"}, Digits: -1},
		{Name: "rate", Type: spatlas.TypeNumber, Levels: []string{"lsoa", "lad"}, Digits: 2},
		{Name: "flag", Type: spatlas.TypeBoolean, Levels: []string{"lsoa"}, Digits: -1},
		{Name: "lw_caseload", Type: spatlas.TypeInteger, Levels: []string{"lsoa", "lad"}, Disclosure: true, Digits: -1},
	}
	tests := []struct {
		name     string
		level    string
		vals     []float64
		cases    *int64
		disclose bool
		want     string
	}{
		{"rounded and typed", "lsoa", []float64{2.6, 1.23456, 1, math.NaN()}, ptr[int64](23), true,
			`{"flag":true,"lw_caseload":25,"lw_caseload_suppressed":false,"n":3,"rate":1.23}`},
		{"whole numbers stay whole", "lsoa", []float64{1600, 1600, 0, math.NaN()}, nil, true,
			`{"flag":false,"lw_caseload":null,"lw_caseload_suppressed":false,"n":1600,"rate":1600}`},
		{"null where not computed", "lsoa", []float64{math.NaN(), math.Inf(1), math.NaN(), math.NaN()}, ptr[int64](0), true,
			`{"flag":null,"lw_caseload":0,"lw_caseload_suppressed":false,"n":null,"rate":null}`},
		{"only the level's columns", "lad", []float64{4, 0.5, 1, math.NaN()}, ptr[int64](8), true,
			`{"lw_caseload":10,"lw_caseload_suppressed":false,"n":4,"rate":0.5}`},
		{"small caseload suppressed", "lsoa", []float64{4, 0.5, 0, math.NaN()}, ptr[int64](7), true,
			`{"flag":false,"lw_caseload":null,"lw_caseload_suppressed":true,"n":4,"rate":0.5}`},
		{"national: no disclosure control", "lad", []float64{4, 0.5, 0, math.NaN()}, ptr[int64](7), false,
			`{"lw_caseload":7,"lw_caseload_suppressed":false,"n":4,"rate":0.5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ranked := Properties(cols, tt.level, tt.vals, tt.cases, tt.disclose)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got %s\nwant %s", b, tt.want)
			}
			for i, r := range ranked {
				if r == nil {
					continue
				}
				if f, _ := json.Number(jsonString(m[cols[i].Name])).Float64(); f != *r {
					t.Errorf("%s ranked on %v, published %v", cols[i].Name, *r, m[cols[i].Name])
				}
			}
		})
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAreas(t *testing.T) {
	// Three LSOAs: A and B in MSOA M1, C in M2, all in LAD L1 (ICB I1, region R1), but C in ICB
	// I2. One category, "food".
	lsoa := func(code, msoa, icb string, pop float64, assets int32, access, need float64, under, sig bool, z float64, cases *int64) Metrics {
		return Metrics{Code: code, MSOA: &msoa, LAD: ptr("L1"), ICB: &icb, Region: ptr("R1"), Population: &pop,
			AssetsN: &assets, AssetsByCategory: map[string]float64{"food": float64(assets)},
			AssetsAccess: &access, NeedPct: &need, Underserved: &under, GiSig: &sig, GiZ: &z, GiP: ptr(0.01), LWCaseload: cases}
	}
	ms := []Metrics{
		lsoa("A", "M1", "I1", 1000, 2, 0.001, 0.9, true, true, 3, ptr[int64](5)),
		lsoa("B", "M1", "I1", 3000, 0, 0.0002, 0.1, false, true, -2.5, ptr[int64](10)),
		lsoa("C", "M2", "I2", 1000, 1, 0, 0.5, false, false, 1, nil),
	}
	areas, england, tally := Areas([]string{"food"}, ms)
	if want := (Tally{LSOAs: 3, Underserved: 1, Hotspots: 1, Coldspots: 1}); tally != want {
		t.Errorf("tally %+v, want %+v", tally, want)
	}
	byCode := map[string]Area{}
	var order []string
	for _, a := range areas {
		byCode[a.Level+" "+a.Code] = a
		order = append(order, a.Level+" "+a.Code)
	}
	wantOrder := []string{"lsoa A", "lsoa B", "lsoa C", "msoa M1", "msoa M2", "lad L1", "icb I1", "icb I2", "region R1"}
	if jsonString(order) != jsonString(wantOrder) {
		t.Fatalf("areas %v, want %v", order, wantOrder)
	}
	tests := []struct {
		area, prop string
		want       any
	}{
		// Counts add; rates are recomputed from sums; the rest are population-weighted.
		{"msoa M1", "assets_n", int64(2)},
		{"msoa M1", "assets_n_food", int64(2)},
		{"msoa M1", "assets_per_1k", json.Number("0.5")},        // 2 / 4,000 x 1,000
		{"msoa M1", "assets_access_per_1k", json.Number("0.4")}, // (1 x 1,000 + 0.2 x 3,000) / 4,000
		{"msoa M1", "need_pct", json.Number("0.3")},             // (0.9 x 1,000 + 0.1 x 3,000) / 4,000
		{"msoa M1", "underserved_lsoas", int64(1)},              // A
		{"msoa M1", "underserved_population", int64(1000)},      // A's people
		{"msoa M1", "hotspot_lsoas", int64(1)},                  // A; B is a coldspot
		{"msoa M1", "lw_caseload", int64(15)},                   // 5 + 10
		{"msoa M2", "lw_caseload", nil},                         // unknown
		{"lad L1", "assets_per_1k", json.Number("0.6")},         // 3 / 5,000 x 1,000
		{"lsoa A", "lw_caseload", nil},                          // 5: suppressed
		{"lsoa A", "lw_caseload_suppressed", true},              //
		{"lsoa A", "assets_access_per_1k", json.Number("1")},    // per person x 1,000
		{"lsoa A", "gi_z", json.Number("3")},                    //
		{"lsoa A", "underserved", true},                         //
		{"lsoa C", "gi_sig", false},                             //
	}
	for _, tt := range tests {
		a, ok := byCode[tt.area]
		if !ok {
			t.Errorf("no area %s", tt.area)
			continue
		}
		if got := a.Props[tt.prop]; jsonString(got) != jsonString(tt.want) {
			t.Errorf("%s %s = %v, want %v", tt.area, tt.prop, got, tt.want)
		}
	}
	// A district and ICB are recorded for an area only when all its LSOAs share them.
	if a := byCode["msoa M1"]; a.LAD != "L1" || a.ICB != "I1" {
		t.Errorf("M1 in LAD %q ICB %q, want L1 I1", a.LAD, a.ICB)
	}
	if a := byCode["lad L1"]; a.LAD != "L1" || a.ICB != "" {
		t.Errorf("L1 in LAD %q ICB %q, want L1 and no single ICB", a.LAD, a.ICB)
	}
	// England is not under disclosure control.
	if got := jsonString(england["lw_caseload"]); got != "15" || england["lw_caseload_suppressed"] != false {
		t.Errorf("England caseload %s (suppressed %v), want 15 published", got, england["lw_caseload_suppressed"])
	}
}
