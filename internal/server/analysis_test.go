package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/linkworkers"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// Areas of the real data the analysis tests look at.
const (
	manchesterLSOA = "E01005123" // Manchester 041D (iod2025)
	manchester     = "E08000003" // Manchester LAD
	gmICB          = "E54000057" // NHS Greater Manchester ICB
	northWest      = "E12000002"
)

// realAnalysisServer is the real handler over the real store loaded with both editions, the
// provision files and their metrics built with the default parameters.
func realAnalysisServer(tb testing.TB) *testServer {
	tb.Helper()
	db := pgtest.Real(tb)
	return newTestServer(tb, Config{Features: db, Provision: db, Analysis: db})
}

// fixtureAnalysisServer is the real handler over the fixture store, which has no metrics build.
func fixtureAnalysisServer(tb testing.TB) *testServer {
	tb.Helper()
	db := pgtest.Fixture(tb)
	return newTestServer(tb, Config{Features: db, Provision: db, Analysis: db})
}

// csvTable is a parsed CSV download.
type csvTable struct {
	res    *http.Response
	header []string
	rows   []map[string]string
}

// getCSV fetches a CSV, failing unless the status is 200.
func getCSV(tb testing.TB, ts *testServer, target string) csvTable {
	tb.Helper()
	res := ts.get(tb, target)
	b := readBody(tb, res)
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s: status %d; body %.500s", target, res.StatusCode, b)
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("%s: not CSV: %v", target, err)
	}
	if len(recs) == 0 {
		tb.Fatalf("%s: empty CSV", target)
	}
	t := csvTable{res: res, header: recs[0]}
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, v := range rec {
			m[t.header[i]] = v
		}
		t.rows = append(t.rows, m)
	}
	return t
}

// fcol parses a numeric CSV cell; NaN when empty.
func fcol(tb testing.TB, row map[string]string, col string) float64 {
	tb.Helper()
	v, ok := row[col]
	if !ok {
		tb.Fatalf("no column %s in %v", col, row)
	}
	if v == "" {
		return math.NaN()
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		tb.Fatalf("column %s = %q: %v", col, v, err)
	}
	return x
}

// jf returns a JSON number of an object as float64; NaN when missing or null.
func jf(m map[string]any, key string) float64 {
	if x, ok := m[key].(float64); ok {
		return x
	}
	return math.NaN()
}

func jobj(tb testing.TB, v any) map[string]any {
	tb.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		tb.Fatalf("%v is not a JSON object", v)
	}
	return m
}

func jarr(tb testing.TB, v any) []map[string]any {
	tb.Helper()
	a, ok := v.([]any)
	if !ok {
		tb.Fatalf("%v is not a JSON array", v)
	}
	out := make([]map[string]any, len(a))
	for i, x := range a {
		out[i] = jobj(tb, x)
	}
	return out
}

// near reports whether a and b agree to a relative tolerance rel (absolute near zero).
func near(a, b, rel float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return false
	}
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// defaultParamsJSON is the JSON form of the default build parameters, as decoded from a response.
func defaultParamsJSON(tb testing.TB) map[string]any {
	tb.Helper()
	b, err := json.Marshal(spatlas.DefaultBuildParams())
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// ogcProps returns the properties of one feature of an OGC collection.
func ogcProps(tb testing.TB, ts *testServer, collection, code string) map[string]any {
	tb.Helper()
	f := decodeJSON(tb, ts.get(tb, "/ogc/collections/"+collection+"/items/"+code), http.StatusOK)
	return jobj(tb, f["properties"])
}

// numberMatched returns how many features of a collection match a query.
func numberMatched(tb testing.TB, ts *testServer, collection, query string) int {
	tb.Helper()
	m := decodeJSON(tb, ts.get(tb, "/ogc/collections/"+collection+"/items?limit=1&"+query), http.StatusOK)
	n, ok := m["numberMatched"].(float64)
	if !ok {
		tb.Fatalf("%s?%s: no numberMatched", collection, query)
	}
	return int(n)
}

func TestAreaProfileRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	lsoas := getCSV(t, ts, "/api/download/iod2025/lsoa.csv")
	if len(lsoas.rows) != 33755 {
		t.Fatalf("iod2025 lsoa.csv: %d rows, want 33,755", len(lsoas.rows))
	}
	params := defaultParamsJSON(t)

	tests := []struct {
		name, code, level, areaName string
		parents                     map[string]string // level -> code
		peers                       map[string]string // standing level -> code, besides England
		of                          int               // areas of the level in England
	}{
		{"LSOA in Manchester", manchesterLSOA, "lsoa", "Manchester 041D",
			map[string]string{"msoa": "E02001085", "lad": manchester, "icb": gmICB, "region": northWest},
			map[string]string{"lad": manchester, "icb": gmICB}, 33755},
		{"Manchester LAD", manchester, "lad", "Manchester",
			map[string]string{"icb": gmICB, "region": northWest},
			map[string]string{"icb": gmICB}, 296},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decodeJSON(t, ts.get(t, "/api/areas/"+tt.code+"?edition=iod2025"), http.StatusOK)
			if p["edition"] != "iod2025" {
				t.Errorf("edition = %v", p["edition"])
			}
			area := jobj(t, p["area"])
			if area["level"] != tt.level || area["code"] != tt.code || area["name"] != tt.areaName {
				t.Errorf("area = %v, want %s %s %s", area, tt.level, tt.code, tt.areaName)
			}
			got := map[string]string{}
			for _, pa := range jarr(t, p["parents"]) {
				got[pa["level"].(string)] = pa["code"].(string)
				if pa["name"] == nil || pa["name"] == "" {
					t.Errorf("parent %v has no name", pa)
				}
			}
			for lv, code := range tt.parents {
				if got[lv] != code {
					t.Errorf("parent %s = %q, want %s (parents %v)", lv, got[lv], code, got)
				}
			}
			props := jobj(t, p["properties"])
			if props["code"] != tt.code {
				t.Errorf("properties.code = %v", props["code"])
			}
			build := jobj(t, p["build"])
			if !sameJSON(build["params"], params) {
				t.Errorf("build params = %v, want the defaults %v", build["params"], params)
			}
			england := jobj(t, build["england"])

			// The peers' own values, as the OGC API publishes them.
			peerProps := map[string]map[string]any{}
			for lv, code := range tt.peers {
				peerProps[lv] = ogcProps(t, ts, "iod2025-"+lv, code)
			}

			metrics := jarr(t, p["metrics"])
			byName := map[string]map[string]any{}
			for _, m := range metrics {
				byName[m["name"].(string)] = m
			}
			for _, name := range []string{"need_pct", "assets_n", "assets_per_1k", "lw_fte", "lw_fte_per_10k", "provision_pct", "gap"} {
				if byName[name] == nil {
					t.Errorf("metric %s missing from the profile", name)
				}
			}
			for _, m := range metrics {
				name := m["name"].(string)
				if !sameJSON(m["value"], props[name]) {
					t.Errorf("%s: value %v, but the area's property is %v", name, m["value"], props[name])
				}
				sts := jarr(t, m["standings"])
				if len(sts) != 1+len(tt.peers) {
					t.Errorf("%s: %d standings, want England and %v", name, len(sts), tt.peers)
					continue
				}
				for i, s := range sts {
					sa := jobj(t, s["area"])
					of := int(jf(s, "of"))
					if i == 0 {
						if sa["code"] != spatlas.England || sa["level"] != "country" {
							t.Errorf("%s: first standing is in %v, want England", name, sa)
						}
						if name == "need_pct" && of != tt.of {
							t.Errorf("need_pct: ranked among %d in England, want %d", of, tt.of)
						}
						if !sameJSON(s["value"], england[name]) {
							t.Errorf("%s: England value %v, build's England value %v", name, s["value"], england[name])
						}
					} else {
						lv := sa["level"].(string)
						want, ok := tt.peers[lv]
						if !ok || sa["code"] != want {
							t.Errorf("%s: standing %d in %v, want one of %v", name, i, sa, tt.peers)
							continue
						}
						if !sameJSON(s["value"], peerProps[lv][name]) {
							t.Errorf("%s: %s value %v, but /ogc/collections/iod2025-%s/items/%s has %v", name, lv, s["value"], lv, want, peerProps[lv][name])
						}
					}
					if m["value"] == nil {
						continue
					}
					rank := int(jf(s, "rank"))
					pct := jf(s, "percentile")
					if rank < 1 || rank > of {
						t.Errorf("%s: rank %d of %d in %v", name, rank, of, sa)
					}
					if !(pct >= 0 && pct <= 1) {
						t.Errorf("%s: percentile %v in %v, want 0..1", name, pct, sa)
					}
					if of > 1 {
						if want := spatlas.Round(float64(of-rank)/float64(of-1), 4); pct != want {
							t.Errorf("%s: percentile %v in %v, want (of - rank)/(of - 1) = %v", name, pct, sa, want)
						}
					}
				}
			}

			// For the LSOA, the standings are recounted from the download: the rank is the
			// number of LSOAs with a higher value plus one, in England, the LAD and the ICB.
			if tt.level == "lsoa" {
				rank := byName["need_pct"]["standings"].([]any)
				x := props["need_pct"].(float64)
				imdRank := props["imd_rank"].(float64)
				if want := spatlas.Round(1-(imdRank-1)/(33755-1), 4); x != want {
					t.Errorf("need_pct = %v, want 1 - (rank - 1)/(N - 1) = %v", x, want)
				}
				var higher, higherLAD, nLAD, higherICB, nICB int
				for _, r := range lsoas.rows {
					v := fcol(t, r, "need_pct")
					if v > x {
						higher++
					}
					if r["lad_code"] == manchester {
						nLAD++
						if v > x {
							higherLAD++
						}
					}
					if r["icb_code"] == gmICB {
						nICB++
						if v > x {
							higherICB++
						}
					}
				}
				for i, want := range [][2]int{{higher + 1, 33755}, {higherLAD + 1, nLAD}, {higherICB + 1, nICB}} {
					s := jobj(t, rank[i])
					if int(jf(s, "rank")) != want[0] || int(jf(s, "of")) != want[1] {
						t.Errorf("need_pct standing %v: rank %v of %v, want %d of %d", s["area"], s["rank"], s["of"], want[0], want[1])
					}
				}
			}

			for _, key := range []string{"nearest_assets", "nearest_services"} {
				nearby := jarr(t, p[key])
				if len(nearby) == 0 || len(nearby) > 5 {
					t.Errorf("%s: %d entries, want 1 to 5", key, len(nearby))
				}
				for i, n := range nearby {
					if n["id"] == "" || n["name"] == nil {
						t.Errorf("%s[%d] = %v: no id or name", key, i, n)
					}
					if i > 0 && jf(n, "distance_m") < jf(nearby[i-1], "distance_m") {
						t.Errorf("%s not sorted by distance: %v then %v", key, nearby[i-1]["distance_m"], n["distance_m"])
					}
				}
			}
		})
	}

	errs := []struct {
		name, target string
		status       int
		code, msg    string
	}{
		{"unknown code", "/api/areas/E01999999?edition=iod2025", http.StatusNotFound, spatlas.ENOTFOUND, "E01999999"},
		{"code of the other edition", "/api/areas/E01005123?edition=iod2019", http.StatusOK, "", ""},
		{"bad edition", "/api/areas/" + manchesterLSOA + "?edition=iod2000", http.StatusBadRequest, spatlas.EINVALID, "iod2000"},
		{"unknown parameter", "/api/areas/" + manchesterLSOA + "?colour=red", http.StatusBadRequest, spatlas.EINVALID, "colour"},
		{"parameter twice", "/api/areas/" + manchesterLSOA + "?edition=iod2025&edition=iod2019", http.StatusBadRequest, spatlas.EINVALID, "edition"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, tt.target)
			if tt.status == http.StatusOK {
				decodeJSON(t, res, http.StatusOK)
				return
			}
			checkError(t, res, tt.status, tt.code, tt.msg)
		})
	}
}

func TestUnderservedRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	params := defaultParamsJSON(t)
	lsoas := getCSV(t, ts, "/api/download/iod2025/lsoa.csv")
	type tally struct {
		n   int
		pop int64
	}
	underserved := map[string]tally{} // by area: England and the LAD
	for _, r := range lsoas.rows {
		if r["underserved"] != "true" {
			continue
		}
		pop, _ := strconv.ParseInt(r["population"], 10, 64)
		for _, a := range []string{spatlas.England, r["lad_code"]} {
			x := underserved[a]
			x.n++
			x.pop += pop
			underserved[a] = x
		}
	}

	get := func(t *testing.T, query string) (map[string]any, []map[string]any) {
		t.Helper()
		m := decodeJSON(t, ts.get(t, "/api/underserved?"+query), http.StatusOK)
		return m, jarr(t, m["lsoas"])
	}
	check := func(t *testing.T, m map[string]any, rows []map[string]any, area string, maxDecile int, maxPct float64, limit int) {
		t.Helper()
		if m["edition"] != "iod2025" {
			t.Errorf("edition = %v", m["edition"])
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(m["built_at"])); err != nil {
			t.Errorf("built_at = %v: %v", m["built_at"], err)
		}
		p := jobj(t, m["params"])
		if int(jf(p, "underserved_max_decile")) != maxDecile || jf(p, "underserved_max_provision_pct") != maxPct {
			t.Errorf("params echo decile %v, pct %v; want %d, %v", p["underserved_max_decile"], p["underserved_max_provision_pct"], maxDecile, maxPct)
		}
		for _, k := range []string{"assets_catchment_m", "lw_catchment_m", "gap_metric", "weights", "hotspot_fdr"} {
			if !sameJSON(p[k], params[k]) {
				t.Errorf("params.%s = %v, want %v", k, p[k], params[k])
			}
		}
		if a := jobj(t, m["area"]); a["code"] != area {
			t.Errorf("area = %v, want %s", a, area)
		}
		count := int(jf(m, "count"))
		if len(rows) > limit || count < len(rows) {
			t.Errorf("%d rows, count %d, limit %d", len(rows), count, limit)
		}
		var pop int64
		for i, r := range rows {
			if d := int(jf(r, "imd_decile")); d < 1 || d > maxDecile {
				t.Errorf("%s: imd_decile %d, want at most %d", r["code"], d, maxDecile)
			}
			if x := jf(r, "provision_pct"); !(x <= maxPct) {
				t.Errorf("%s: provision_pct %v, want at most %v", r["code"], x, maxPct)
			}
			if g := jf(r, "gap"); !near(g, jf(r, "need_pct")-jf(r, "provision_pct"), 2e-4) {
				t.Errorf("%s: gap %v, need %v - provision %v", r["code"], g, r["need_pct"], r["provision_pct"])
			}
			if i > 0 && jf(r, "gap") > jf(rows[i-1], "gap") {
				t.Errorf("not ordered by gap: %s %v after %s %v", r["code"], r["gap"], rows[i-1]["code"], rows[i-1]["gap"])
			}
			if area != spatlas.England && r["lad_code"] != area {
				t.Errorf("%s: in %v, asked for %s", r["code"], r["lad_code"], area)
			}
			if r["nearest_asset"] == nil {
				t.Errorf("%s: no nearest asset", r["code"])
			}
			pop += int64(jf(r, "population"))
		}
		total := int64(jf(m, "population"))
		if pop > total || (count == len(rows) && pop != total) {
			t.Errorf("rows hold %d people, population %d (count %d, rows %d)", pop, total, count, len(rows))
		}
	}

	t.Run("England, defaults", func(t *testing.T) {
		m, rows := get(t, "edition=iod2025")
		check(t, m, rows, spatlas.England, 2, 0.2, 100)
		if len(rows) != 100 {
			t.Errorf("default limit: %d rows, want 100", len(rows))
		}
		all, allRows := get(t, "edition=iod2025&limit=10000")
		check(t, all, allRows, spatlas.England, 2, 0.2, 10000)
		want := underserved[spatlas.England]
		if int(jf(all, "count")) != want.n || int64(jf(all, "population")) != want.pop {
			t.Errorf("England: %v LSOAs, %v people; the download flags %d LSOAs, %d people", all["count"], all["population"], want.n, want.pop)
		}
		if len(allRows) != want.n {
			t.Errorf("limit=10000 gave %d rows, want all %d", len(allRows), want.n)
		}
		for i := range rows {
			if rows[i]["code"] != allRows[i]["code"] {
				t.Fatalf("row %d: %v with limit 100, %v with limit 10000", i, rows[i]["code"], allRows[i]["code"])
			}
		}
		t.Logf("England iod2025: %v underserved LSOAs, %v people", all["count"], all["population"])
	})
	t.Run("England, no edition is iod2025", func(t *testing.T) {
		m, _ := get(t, "")
		if m["edition"] != "iod2025" {
			t.Errorf("edition = %v", m["edition"])
		}
	})
	t.Run("iod2019", func(t *testing.T) {
		m, rows := get(t, "edition=iod2019&limit=5")
		if m["edition"] != "iod2019" || len(rows) != 5 {
			t.Errorf("edition %v, %d rows", m["edition"], len(rows))
		}
	})
	t.Run("Manchester", func(t *testing.T) {
		m, rows := get(t, "edition=iod2025&area="+manchester+"&limit=10000")
		check(t, m, rows, manchester, 2, 0.2, 10000)
		want := underserved[manchester]
		if int(jf(m, "count")) != want.n || int64(jf(m, "population")) != want.pop {
			t.Errorf("Manchester: %v LSOAs, %v people; the download flags %d, %d", m["count"], m["population"], want.n, want.pop)
		}
		lad := ogcProps(t, ts, "iod2025-lad", manchester)
		if jf(lad, "underserved_lsoas") != jf(m, "count") || jf(lad, "underserved_population") != jf(m, "population") {
			t.Errorf("Manchester: %v LSOAs, %v people; the LAD's properties say %v, %v", m["count"], m["population"], lad["underserved_lsoas"], lad["underserved_population"])
		}
		// The North West holds Manchester's underserved LSOAs and more.
		nw, _ := get(t, "edition=iod2025&area="+northWest+"&limit=1")
		if jf(nw, "count") < jf(m, "count") {
			t.Errorf("North West: %v underserved LSOAs, fewer than Manchester's %v", nw["count"], m["count"])
		}
	})
	t.Run("overrides", func(t *testing.T) {
		base, _ := get(t, "edition=iod2025&limit=1")
		strict, rows := get(t, "edition=iod2025&limit=10000&max_decile=1&max_provision_pct=0.1")
		check(t, strict, rows, spatlas.England, 1, 0.1, 10000)
		if !(jf(strict, "count") < jf(base, "count")) {
			t.Errorf("decile 1 and provision 0.1: %v LSOAs, not fewer than the default's %v", strict["count"], base["count"])
		}
		loose, rows := get(t, "edition=iod2025&limit=50&max_decile=3&max_provision_pct=0.3")
		check(t, loose, rows, spatlas.England, 3, 0.3, 50)
		if !(jf(loose, "count") > jf(base, "count")) {
			t.Errorf("decile 3 and provision 0.3: %v LSOAs, not more than the default's %v", loose["count"], base["count"])
		}
	})
	t.Run("limit", func(t *testing.T) {
		m, rows := get(t, "edition=iod2025&limit=7")
		check(t, m, rows, spatlas.England, 2, 0.2, 7)
		if len(rows) != 7 {
			t.Errorf("limit=7: %d rows", len(rows))
		}
	})

	errs := []struct {
		name, query string
		status      int
		code, msg   string
	}{
		{"limit 0", "limit=0", http.StatusBadRequest, spatlas.EINVALID, "limit"},
		{"limit too big", "limit=10001", http.StatusBadRequest, spatlas.EINVALID, "limit"},
		{"limit not a number", "limit=ten", http.StatusBadRequest, spatlas.EINVALID, "limit"},
		{"decile 0", "max_decile=0", http.StatusBadRequest, spatlas.EINVALID, "max_decile"},
		{"decile 11", "max_decile=11", http.StatusBadRequest, spatlas.EINVALID, "max_decile"},
		{"decile fraction", "max_decile=1.5", http.StatusBadRequest, spatlas.EINVALID, "max_decile"},
		{"provision above 1", "max_provision_pct=1.5", http.StatusBadRequest, spatlas.EINVALID, "max_provision_pct"},
		{"provision negative", "max_provision_pct=-0.1", http.StatusBadRequest, spatlas.EINVALID, "max_provision_pct"},
		{"provision NaN", "max_provision_pct=NaN", http.StatusBadRequest, spatlas.EINVALID, "max_provision_pct"},
		{"bad edition", "edition=iod1999", http.StatusBadRequest, spatlas.EINVALID, "iod1999"},
		{"unknown parameter", "decile=2", http.StatusBadRequest, spatlas.EINVALID, "decile"},
		{"unknown area", "area=E07999999", http.StatusNotFound, spatlas.ENOTFOUND, "E07999999"},
		{"an LSOA is not an area to scope by", "area=" + manchesterLSOA, http.StatusNotFound, spatlas.ENOTFOUND, manchesterLSOA},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, ts.get(t, "/api/underserved?"+tt.query), tt.status, tt.code, tt.msg)
		})
	}
}

// wlsSII fits the SII regression of METHODS.md from decile means and populations, written out
// independently of internal/stats: weighted least squares of the mean on the cumulative share
// to each decile's midpoint, weights the population shares.
func wlsSII(pops, means []float64) (sii, b0 float64) {
	var total float64
	for _, p := range pops {
		total += p
	}
	a := make([]float64, len(pops))
	b := make([]float64, len(pops))
	var cum, bbar, ybar float64
	for i, p := range pops {
		a[i] = p / total
		b[i] = cum + a[i]/2
		cum += a[i]
		bbar += a[i] * b[i]
		ybar += a[i] * means[i]
	}
	var sxy, sxx float64
	for i := range a {
		sxy += a[i] * (b[i] - bbar) * (means[i] - ybar)
		sxx += a[i] * (b[i] - bbar) * (b[i] - bbar)
	}
	sii = sxy / sxx
	return sii, ybar - sii*bbar
}

// concentrationIndex is METHODS.md's C = 2 cov(y, R) / mean(y) over LSOAs, R the
// population-weighted fractional rank from the most deprived, written out independently.
func concentrationIndex(rank, pop, y []float64) float64 {
	idx := make([]int, len(rank))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return rank[idx[i]] < rank[idx[j]] })
	var total float64
	for _, p := range pop {
		total += p
	}
	r := make([]float64, len(idx))
	var cum, mu, rbar float64
	for _, i := range idx {
		f := pop[i] / total
		r[i] = cum + f/2
		cum += f
		mu += f * y[i]
		rbar += f * r[i]
	}
	var cov float64
	for i := range y {
		cov += pop[i] / total * (y[i] - mu) * (r[i] - rbar)
	}
	return 2 * cov / mu
}

func TestInequalityRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	var report strings.Builder
	for _, ed := range []string{"iod2025", "iod2019"} {
		t.Run("England "+ed, func(t *testing.T) {
			m := decodeJSON(t, ts.get(t, "/api/inequality?edition="+ed+"&metric=lw_fte_per_10k&area="+spatlas.England), http.StatusOK)
			if m["edition"] != ed || m["metric"] != "lw_fte_per_10k" {
				t.Errorf("edition %v, metric %v", m["edition"], m["metric"])
			}
			if a := jobj(t, m["area"]); a["code"] != spatlas.England {
				t.Errorf("area = %v", a)
			}
			if p := jobj(t, m["params"]); !sameJSON(p, defaultParamsJSON(t)) {
				t.Errorf("params = %v", p)
			}
			deciles := jarr(t, m["deciles"])
			if len(deciles) != 10 {
				t.Fatalf("%d deciles, want 10", len(deciles))
			}
			// Figures are published at the precision of the download's values (4 decimals for
			// lw_fte_per_10k, 4 for ratios and indices): recomputed from the download and rounded
			// so, they are reproduced exactly.
			unit, ratio := int(jf(m, "decimals")), int(jf(m, "ratio_decimals"))
			if unit != 4 || ratio != 4 {
				t.Errorf("decimals %v, ratio_decimals %v; want 4 and 4", m["decimals"], m["ratio_decimals"])
			}

			// Recompute from the download: decile means, the population, the LSOAs.
			lsoas := getCSV(t, ts, "/api/download/"+ed+"/lsoa.csv")
			var wy, w [11]float64
			var n [11]int
			var total float64
			var ranks, pops, ys []float64
			for _, r := range lsoas.rows {
				y, p := fcol(t, r, "lw_fte_per_10k"), fcol(t, r, "population")
				d := int(fcol(t, r, "imd_decile"))
				if math.IsNaN(y) || !(p > 0) {
					continue
				}
				wy[d] += p * y
				w[d] += p
				n[d]++
				total += p
				ranks, pops, ys = append(ranks, fcol(t, r, "imd_rank")), append(pops, p), append(ys, y)
			}
			if got := int(jf(m, "lsoas")); got != len(ys) {
				t.Errorf("%d LSOAs, the download has %d with a value", got, len(ys))
			}
			if got := jf(m, "population"); got != total {
				t.Errorf("population %v, the download's LSOAs hold %v", got, total)
			}
			var sumPop float64
			var dpop, dmean []float64
			for i, d := range deciles {
				dec := int(jf(d, "decile"))
				if dec != i+1 {
					t.Errorf("decile %d at position %d", dec, i)
				}
				sumPop += jf(d, "population")
				dpop, dmean = append(dpop, jf(d, "population")), append(dmean, jf(d, "mean"))
				if int(jf(d, "lsoas")) != n[dec] || jf(d, "population") != w[dec] {
					t.Errorf("decile %d: %v LSOAs, %v people; download %d, %v", dec, d["lsoas"], d["population"], n[dec], w[dec])
				}
				if want := wy[dec] / w[dec]; jf(d, "mean") != spatlas.Round(want, unit) {
					t.Errorf("decile %d: mean %v, recomputed from the download %v", dec, d["mean"], want)
				}
				if !(jf(d, "se") > 0) {
					t.Errorf("decile %d: se %v", dec, d["se"])
				}
			}
			if sumPop != jf(m, "population") {
				t.Errorf("deciles hold %v people, England %v", sumPop, m["population"])
			}
			regions := getCSV(t, ts, "/api/download/"+ed+"/region.csv")
			var regionPop float64
			for _, r := range regions.rows {
				regionPop += fcol(t, r, "population")
			}
			if regionPop != jf(m, "population") {
				t.Errorf("England population %v, its regions hold %v", m["population"], regionPop)
			}

			// The decile means of the download's values, before rounding.
			var fullMean []float64
			for dec := 1; dec <= 10; dec++ {
				fullMean = append(fullMean, wy[dec]/w[dec])
			}
			q1 := (wy[1] + wy[2]) / (w[1] + w[2])
			q5 := (wy[9] + wy[10]) / (w[9] + w[10])
			sii, b0 := wlsSII(dpop, fullMean)
			checks := []struct {
				name      string
				got, want float64
				decimals  int
			}{
				{"most deprived quintile mean", jf(m, "most_deprived_quintile_mean"), q1, unit},
				{"least deprived quintile mean", jf(m, "least_deprived_quintile_mean"), q5, unit},
				{"quintile ratio", jf(m, "quintile_ratio"), q1 / q5, ratio},
				{"quintile difference", jf(m, "quintile_difference"), q1 - q5, unit},
				{"SII", jf(jobj(t, m["sii"]), "value"), sii, unit},
				{"RII", jf(jobj(t, m["rii"]), "value"), (b0 + sii) / b0, ratio},
				{"concentration index", jf(jobj(t, m["concentration_index"]), "value"), concentrationIndex(ranks, pops, ys), ratio},
			}
			for _, c := range checks {
				if c.got != spatlas.Round(c.want, c.decimals) {
					t.Errorf("%s = %v, recomputed %v", c.name, c.got, c.want)
				}
			}
			for _, k := range []string{"sii", "rii", "concentration_index"} {
				e := jobj(t, m[k])
				if !(jf(e, "lower") <= jf(e, "value") && jf(e, "value") <= jf(e, "upper")) {
					t.Errorf("%s %v outside its interval [%v, %v]", k, e["value"], e["lower"], e["upper"])
				}
			}
			if m["confidence"] != 0.95 || !(jf(m, "simulations") >= 1000) {
				t.Errorf("confidence %v, simulations %v", m["confidence"], m["simulations"])
			}

			// The CSV has the same figures.
			c := getCSV(t, ts, "/api/inequality?edition="+ed+"&metric=lw_fte_per_10k&area="+spatlas.England+"&format=csv")
			wantHeader := []string{"edition", "metric", "area_code", "area_name", "statistic", "decile", "value", "lower", "upper", "lsoas", "population", "params"}
			if !slices.Equal(c.header, wantHeader) {
				t.Errorf("CSV header %v, want %v", c.header, wantHeader)
			}
			if ct := c.res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("CSV Content-Type %q", ct)
			}
			if cd := c.res.Header.Get("Content-Disposition"); !strings.Contains(cd, "inequality-"+ed+"-lw_fte_per_10k-E92000001.csv") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if len(c.rows) != 17 {
				t.Errorf("CSV: %d rows, want 10 deciles and 7 statistics", len(c.rows))
			}
			for _, r := range c.rows {
				if r["edition"] != ed || r["metric"] != "lw_fte_per_10k" || r["area_code"] != spatlas.England {
					t.Errorf("CSV row %v", r)
				}
				var params map[string]any
				if err := json.Unmarshal([]byte(r["params"]), &params); err != nil || !sameJSON(params, m["params"]) {
					t.Errorf("CSV params %s, JSON %v", r["params"], m["params"])
				}
				var want, lo, hi float64
				lo, hi = math.NaN(), math.NaN()
				switch r["statistic"] {
				case "mean":
					d, _ := strconv.Atoi(r["decile"])
					if d < 1 || d > 10 {
						t.Errorf("CSV decile %q", r["decile"])
						continue
					}
					want = dmean[d-1]
					if fcol(t, r, "population") != dpop[d-1] || int(fcol(t, r, "lsoas")) != int(jf(deciles[d-1], "lsoas")) {
						t.Errorf("CSV decile %d: %s LSOAs, %s people", d, r["lsoas"], r["population"])
					}
				case "most_deprived_quintile_mean":
					want = jf(m, "most_deprived_quintile_mean")
				case "least_deprived_quintile_mean":
					want = jf(m, "least_deprived_quintile_mean")
				case "quintile_ratio":
					want = jf(m, "quintile_ratio")
				case "quintile_difference":
					want = jf(m, "quintile_difference")
				case "sii", "rii", "concentration_index":
					e := jobj(t, m[r["statistic"]])
					want, lo, hi = jf(e, "value"), jf(e, "lower"), jf(e, "upper")
					if fcol(t, r, "population") != jf(m, "population") {
						t.Errorf("CSV %s: population %s", r["statistic"], r["population"])
					}
				default:
					t.Errorf("CSV: unknown statistic %q", r["statistic"])
					continue
				}
				if fcol(t, r, "value") != want {
					t.Errorf("CSV %s %s = %s, JSON %v", r["statistic"], r["decile"], r["value"], want)
				}
				if !math.IsNaN(lo) && (fcol(t, r, "lower") != lo || fcol(t, r, "upper") != hi) {
					t.Errorf("CSV %s interval [%s, %s], JSON [%v, %v]", r["statistic"], r["lower"], r["upper"], lo, hi)
				}
			}

			// The figures for the release note.
			est := func(k string) string {
				e := jobj(t, m[k])
				return fmt.Sprintf("%.4f [%.4f, %.4f]", jf(e, "value"), jf(e, "lower"), jf(e, "upper"))
			}
			fmt.Fprintf(&report, "\nEngland, link worker FTE per 10,000 (E2SFCA, catchment %v m), %s: %v LSOAs, %.0f people\n",
				jobj(t, m["params"])["lw_catchment_m"], ed, m["lsoas"], jf(m, "population"))
			fmt.Fprintf(&report, "  decile  LSOAs  population    mean FTE/10k\n")
			for _, d := range deciles {
				fmt.Fprintf(&report, "  %6.0f  %5.0f  %10.0f  %14.4f\n", jf(d, "decile"), jf(d, "lsoas"), jf(d, "population"), jf(d, "mean"))
			}
			fmt.Fprintf(&report, "  most deprived quintile (deciles 1-2) mean %.4f, least deprived (9-10) %.4f\n", jf(m, "most_deprived_quintile_mean"), jf(m, "least_deprived_quintile_mean"))
			fmt.Fprintf(&report, "  quintile ratio Q1/Q5 %.4f, difference Q1-Q5 %.4f\n", jf(m, "quintile_ratio"), jf(m, "quintile_difference"))
			fmt.Fprintf(&report, "  SII %s; RII %s; concentration index %s (95%%, %v simulations)\n", est("sii"), est("rii"), est("concentration_index"), m["simulations"])
		})
	}
	t.Log(report.String())

	t.Run("Manchester", func(t *testing.T) {
		m := decodeJSON(t, ts.get(t, "/api/inequality?edition=iod2025&metric=assets_access_per_1k&area="+manchester), http.StatusOK)
		a := jobj(t, m["area"])
		if a["code"] != manchester || a["level"] != "lad" || a["name"] != "Manchester" {
			t.Errorf("area = %v", a)
		}
		lad := ogcProps(t, ts, "iod2025-lad", manchester)
		if int(jf(m, "lsoas")) != int(jf(lad, "lsoa_count")) || jf(m, "population") != jf(lad, "population") {
			t.Errorf("%v LSOAs, %v people; Manchester has %v, %v", m["lsoas"], m["population"], lad["lsoa_count"], lad["population"])
		}
		var pop float64
		for _, d := range jarr(t, m["deciles"]) {
			pop += jf(d, "population")
		}
		if pop != jf(m, "population") {
			t.Errorf("deciles hold %v people of %v", pop, m["population"])
		}
	})
	t.Run("default metric and edition", func(t *testing.T) {
		m := decodeJSON(t, ts.get(t, "/api/inequality"), http.StatusOK)
		if m["metric"] != "lw_fte_per_10k" || m["edition"] != "iod2025" || jobj(t, m["area"])["code"] != spatlas.England {
			t.Errorf("defaults: metric %v, edition %v, area %v", m["metric"], m["edition"], m["area"])
		}
	})

	errs := []struct {
		name, query string
		status      int
		code, msg   string
	}{
		{"boolean metric", "metric=underserved", http.StatusBadRequest, spatlas.EINVALID, "underserved"},
		{"text metric", "metric=lad_name", http.StatusBadRequest, spatlas.EINVALID, "lad_name"},
		{"a rank", "metric=imd_rank", http.StatusBadRequest, spatlas.EINVALID, "imd_rank"},
		{"a count of people", "metric=lw_caseload", http.StatusBadRequest, spatlas.EINVALID, "lw_caseload"},
		{"unknown metric", "metric=happiness", http.StatusBadRequest, spatlas.EINVALID, "happiness"},
		{"unknown area", "area=E06999999", http.StatusNotFound, spatlas.ENOTFOUND, "E06999999"},
		{"bad format", "format=xlsx", http.StatusBadRequest, spatlas.EINVALID, "xlsx"},
		{"bad edition", "edition=iod2030", http.StatusBadRequest, spatlas.EINVALID, "iod2030"},
		{"unknown parameter", "metrics=gap", http.StatusBadRequest, spatlas.EINVALID, "metrics"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, ts.get(t, "/api/inequality?"+tt.query), tt.status, tt.code, tt.msg)
		})
	}
}

// dictionaryColumns fetches /api/dictionary and indexes its columns by name, keeping their order.
func dictionaryColumns(tb testing.TB, ts *testServer) ([]map[string]any, map[string]map[string]any) {
	tb.Helper()
	d := decodeJSON(tb, ts.get(tb, "/api/dictionary"), http.StatusOK)
	cols := jarr(tb, d["columns"])
	by := make(map[string]map[string]any, len(cols))
	for _, c := range cols {
		name := c["name"].(string)
		if by[name] != nil {
			tb.Errorf("dictionary lists %s twice", name)
		}
		by[name] = c
	}
	return cols, by
}

func hasLevel(c map[string]any, level string) bool {
	ls, _ := c["levels"].([]any)
	for _, l := range ls {
		if l == level {
			return true
		}
	}
	return false
}

func TestDownloadRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	dict, byName := dictionaryColumns(t, ts)
	ds := decodeJSON(t, ts.get(t, "/api/datasets"), http.StatusOK)
	var build map[string]any
	for _, b := range jarr(t, ds["builds"]) {
		if b["edition"] == "iod2025" {
			build = b
		}
	}
	if build == nil {
		t.Fatal("no iod2025 build in /api/datasets")
	}
	builtAt, err := time.Parse(time.RFC3339, build["built_at"].(string))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("lad.csv", func(t *testing.T) {
		c := getCSV(t, ts, "/api/download/iod2025/lad.csv")
		if len(c.rows) != 296 {
			t.Errorf("%d LADs, want 296", len(c.rows))
		}
		// The header: the LAD's own columns, then the metric columns in dictionary order, and
		// exactly the dictionary's LAD columns.
		var own, metrics []string
		for _, p := range spatlas.LevelProperties(spatlas.LevelLAD) {
			own = append(own, p.Name)
		}
		for _, col := range dict {
			name := col["name"].(string)
			if hasLevel(col, "lad") && !slices.Contains(own, name) {
				metrics = append(metrics, name)
			}
		}
		if want := append(slices.Clone(own), metrics...); !slices.Equal(c.header, want) {
			t.Errorf("header\n%v\nwant (own, then the dictionary's metric columns of LADs)\n%v", c.header, want)
		}
		for _, name := range own {
			if !hasLevel(byName[name], "lad") {
				t.Errorf("LAD column %s is not in the dictionary for LADs", name)
			}
		}
		h := c.res.Header
		if h.Get("Spatlas-Edition") != "iod2025" {
			t.Errorf("Spatlas-Edition %q", h.Get("Spatlas-Edition"))
		}
		if at, err := time.Parse(time.RFC3339, h.Get("Spatlas-Built-At")); err != nil || !at.Equal(builtAt.Truncate(time.Second)) {
			t.Errorf("Spatlas-Built-At %q (%v), build at %v", h.Get("Spatlas-Built-At"), err, builtAt)
		}
		var params map[string]any
		if err := json.Unmarshal([]byte(h.Get("Spatlas-Build-Params")), &params); err != nil || !sameJSON(params, defaultParamsJSON(t)) {
			t.Errorf("Spatlas-Build-Params %q (%v)", h.Get("Spatlas-Build-Params"), err)
		}
		if cd := h.Get("Content-Disposition"); cd != `attachment; filename="iod2025-lad.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if ct := h.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		seen := map[string]bool{}
		for _, r := range c.rows {
			if seen[r["code"]] || !strings.HasPrefix(r["code"], "E0") {
				t.Errorf("LAD code %q twice or not a LAD", r["code"])
			}
			seen[r["code"]] = true
		}
	})

	t.Run("lsoa.csv of Manchester, and the aggregates", func(t *testing.T) {
		c := getCSV(t, ts, "/api/download/iod2025/lsoa.csv?area="+manchester)
		if want := numberMatched(t, ts, "iod2025-lsoa", "lad_code="+manchester); len(c.rows) != want || want != 295 {
			t.Errorf("%d LSOAs of Manchester, the LSOA collection has %d (want 295)", len(c.rows), want)
		}
		if cd := c.res.Header.Get("Content-Disposition"); cd != `attachment; filename="iod2025-lsoa-E08000003.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		var assets, pop, fte, needW, under float64
		for _, r := range c.rows {
			if r["lad_code"] != manchester {
				t.Errorf("%s: lad_code %s", r["code"], r["lad_code"])
			}
			p := fcol(t, r, "population")
			assets += fcol(t, r, "assets_n")
			pop += p
			fte += fcol(t, r, "lw_fte")
			needW += p * fcol(t, r, "need_pct")
			if r["underserved"] == "true" {
				under++
			}
		}
		lads := getCSV(t, ts, "/api/download/iod2025/lad.csv?area="+manchester)
		if len(lads.rows) != 1 || lads.rows[0]["code"] != manchester {
			t.Fatalf("lad.csv?area=%s: %d rows", manchester, len(lads.rows))
		}
		lad := lads.rows[0]
		n := float64(len(c.rows))
		checks := []struct {
			name      string
			got, want float64
			tol       float64
		}{
			{"population", fcol(t, lad, "population"), pop, 0},
			{"assets_n", fcol(t, lad, "assets_n"), assets, 0},
			{"assets_per_1k", fcol(t, lad, "assets_per_1k"), spatlas.Round(assets/pop*1000, 4), 0},
			{"lw_fte", fcol(t, lad, "lw_fte"), fte, 0.005*n + 0.005},
			{"need_pct", fcol(t, lad, "need_pct"), needW / pop, 0.00005*2 + 1e-9},
			{"underserved_lsoas", fcol(t, lad, "underserved_lsoas"), under, 0},
			{"lsoa_count", fcol(t, lad, "lsoa_count"), n, 0},
		}
		for _, ck := range checks {
			if math.Abs(ck.got-ck.want) > ck.tol+1e-9 {
				t.Errorf("Manchester %s = %v, from its LSOAs %v", ck.name, ck.got, ck.want)
			}
		}
		t.Logf("Manchester iod2025: %v LSOAs, %v people, %v assets (%v per 1,000), %v link worker FTE", n, pop, assets, lad["assets_per_1k"], lad["lw_fte"])
	})

	t.Run("lad.geojson of the North West", func(t *testing.T) {
		res := ts.get(t, "/api/download/iod2025/lad.geojson?area="+northWest)
		fc := decodeJSON(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="iod2025-lad-E12000002.geojson"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if fc["type"] != "FeatureCollection" {
			t.Errorf("type %v", fc["type"])
		}
		props := jobj(t, fc["properties"])
		if props["edition"] != "iod2025" || props["level"] != "lad" || !sameJSON(props["params"], defaultParamsJSON(t)) {
			t.Errorf("top-level properties %v", props)
		}
		if at, err := time.Parse(time.RFC3339, fmt.Sprint(props["built_at"])); err != nil || !at.Equal(builtAt.Truncate(time.Second)) {
			t.Errorf("built_at %v, build at %v", props["built_at"], builtAt)
		}
		var got []string
		for _, f := range jarr(t, fc["features"]) {
			got = append(got, f["id"].(string))
			g, _ := f["geometry"].(map[string]any)
			if g == nil || (g["type"] != "Polygon" && g["type"] != "MultiPolygon") {
				t.Errorf("%s: geometry %.80v", f["id"], f["geometry"])
			}
			p := jobj(t, f["properties"])
			if p["region_code"] != northWest || p["need_pct"] == nil {
				t.Errorf("%s: region %v, need_pct %v", f["id"], p["region_code"], p["need_pct"])
			}
		}
		_, feats := items(t, ts, "/ogc/collections/iod2025-lad/items?limit=1000&properties=code&region_code="+northWest)
		var want []string
		for _, f := range feats {
			want = append(want, f["id"].(string))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || len(want) != 35 {
			t.Errorf("North West LADs in the download\n%v\nin the LAD collection (want 35)\n%v", got, want)
		}
	})

	errs := []struct {
		name, target string
		status       int
		code         string
	}{
		{"bad format", "/api/download/iod2025/lad.xlsx", http.StatusNotFound, spatlas.ENOTFOUND},
		{"no format", "/api/download/iod2025/lad", http.StatusNotFound, spatlas.ENOTFOUND},
		{"bad level", "/api/download/iod2025/ward.csv", http.StatusNotFound, spatlas.ENOTFOUND},
		{"bad edition", "/api/download/iod2000/lad.csv", http.StatusNotFound, spatlas.ENOTFOUND},
		{"unknown parameter", "/api/download/iod2025/lad.csv?region=" + northWest, http.StatusBadRequest, spatlas.EINVALID},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, ts.get(t, tt.target), tt.status, tt.code, "")
		})
	}
}

// methodsHeadings returns the "## " headings of METHODS.md, or nil when it cannot be read.
func methodsHeadings(tb testing.TB) map[string]bool {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "METHODS.md"))
	if err != nil {
		return nil
	}
	defer f.Close()
	hs := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h, ok := strings.CutPrefix(sc.Text(), "## "); ok {
			hs[strings.TrimSpace(h)] = true
		}
	}
	return hs
}

func TestDictionaryRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	d := decodeJSON(t, ts.get(t, "/api/dictionary"), http.StatusOK)
	if d["methods"] == nil || d["sources"] == nil {
		t.Errorf("dictionary without methods or sources: %v", d["methods"])
	}
	sources := jobj(t, d["sources"])
	_, byName := dictionaryColumns(t, ts)
	headings := methodsHeadings(t)
	if headings == nil {
		t.Log("../shared/METHODS.md not found: section names not checked against it")
	}
	for name, c := range byName {
		if c["definition"] == "" || c["methods_section"] == "" || c["type"] == "" {
			t.Errorf("%s: definition %q, section %q, type %q", name, c["definition"], c["methods_section"], c["type"])
		}
		if headings != nil && !headings[fmt.Sprint(c["methods_section"])] {
			t.Errorf("%s: section %q is not a heading of METHODS.md", name, c["methods_section"])
		}
		srcs, _ := c["sources"].([]any)
		if len(srcs) == 0 {
			t.Errorf("%s: no sources", name)
		}
		for _, s := range srcs {
			if sources[s.(string)] == nil {
				t.Errorf("%s: source %v is not described", name, s)
			}
		}
	}
	for _, ed := range []string{"iod2025", "iod2019"} {
		for _, level := range spatlas.Levels() {
			target := "/api/download/" + ed + "/" + level + ".csv"
			if level == spatlas.LevelLSOA || level == spatlas.LevelMSOA {
				target += "?area=" + northWest // enough to see the columns
				if ed == "iod2019" {
					target = "/api/download/" + ed + "/" + level + ".csv?area=E08000003"
				}
			}
			c := getCSV(t, ts, target)
			if len(c.rows) == 0 {
				t.Errorf("%s: no rows", target)
			}
			for _, col := range c.header {
				dc := byName[col]
				if dc == nil {
					t.Errorf("%s: column %s is not in the dictionary", target, col)
					continue
				}
				if !hasLevel(dc, level) {
					t.Errorf("%s: column %s, but the dictionary lists it for %v", target, col, dc["levels"])
				}
			}
		}
	}
}

func TestDatasetsRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	m := decodeJSON(t, ts.get(t, "/api/datasets"), http.StatusOK)
	kinds := map[string]int{}
	editions := map[string]int{}
	for _, d := range jarr(t, m["datasets"]) {
		kind := d["kind"].(string)
		kinds[kind]++
		if d["dataset"] == "" || d["file"] == "" {
			t.Errorf("dataset without a name or file: %v", d)
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(d["loaded_at"])); err != nil {
			t.Errorf("%v/%v: loaded_at %v", d["dataset"], d["file"], d["loaded_at"])
		}
		switch kind {
		case "edition":
			editions[fmt.Sprint(d["edition"])]++
			sha, _ := d["sha256"].(string)
			if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
				t.Errorf("%v/%v: sha256 %q", d["dataset"], d["file"], sha)
			}
			if d["rows"] != nil && !(jf(d, "rows") >= 0) {
				t.Errorf("%v/%v: rows %v", d["dataset"], d["file"], d["rows"])
			}
		case "assets", "services":
			if !(jf(d, "rows") > 0) {
				t.Errorf("%v/%v: rows %v", d["dataset"], d["file"], d["rows"])
			}
		default:
			t.Errorf("unknown kind %q", kind)
		}
	}
	if editions["iod2019"] == 0 || editions["iod2025"] == 0 {
		t.Errorf("edition files by edition: %v", editions)
	}
	if kinds["assets"] == 0 || kinds["services"] == 0 {
		t.Errorf("files by kind: %v", kinds)
	}
	// At least one edition file (the deprivation file) has its row count.
	var withRows int
	for _, d := range jarr(t, m["datasets"]) {
		if d["kind"] == "edition" && jf(d, "rows") > 0 {
			withRows++
		}
	}
	if withRows == 0 {
		t.Error("no edition file has a row count")
	}

	builds := jarr(t, m["builds"])
	got := map[string]bool{}
	for _, b := range builds {
		got[fmt.Sprint(b["edition"])] = true
		if !sameJSON(b["params"], defaultParamsJSON(t)) {
			t.Errorf("%v: params %v", b["edition"], b["params"])
		}
		if rep := jobj(t, b["report"]); !(jf(rep, "lsoas") > 30000) {
			t.Errorf("%v: report %v", b["edition"], rep)
		}
	}
	if !got["iod2019"] || !got["iod2025"] || len(builds) != 2 {
		t.Errorf("builds of %v, want iod2019 and iod2025", got)
	}
}

// TestDownloadDisclosureRealData checks that no download publishes a caseload of 1 to 7: each
// is null and flagged suppressed, or a multiple of 5.
func TestDownloadDisclosureRealData(t *testing.T) {
	ts := realAnalysisServer(t)
	for _, ed := range []string{"iod2025", "iod2019"} {
		for _, level := range spatlas.Levels() {
			target := "/api/download/" + ed + "/" + level + ".csv"
			c := getCSV(t, ts, target)
			var shown, suppressed int
			for _, r := range c.rows {
				v, sup := r["lw_caseload"], r["lw_caseload_suppressed"]
				if sup != "true" && sup != "false" {
					t.Errorf("%s %s: lw_caseload_suppressed %q", target, r["code"], sup)
				}
				if v == "" {
					if sup == "true" {
						suppressed++
					}
					continue
				}
				shown++
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || sup == "true" || n%5 != 0 || (n >= 1 && n <= 7) {
					t.Errorf("%s %s: lw_caseload %q, suppressed %s", target, r["code"], v, sup)
				}
			}
			t.Logf("%s: %d rows, %d caseloads shown, %d suppressed", target, len(c.rows), shown, suppressed)
		}
	}
}

// TestAnalysisWithoutBuild checks the endpoints on a store whose edition is loaded but not built.
func TestAnalysisWithoutBuild(t *testing.T) {
	ts := fixtureAnalysisServer(t)
	p := decodeJSON(t, ts.get(t, "/api/areas/E01000001?edition=iod2019"), http.StatusOK)
	if p["build"] != nil {
		t.Errorf("build = %v, want null", p["build"])
	}
	if ms, _ := p["metrics"].([]any); len(ms) != 0 {
		t.Errorf("metrics = %v, want none", p["metrics"])
	}
	if a := jobj(t, p["area"]); a["level"] != "lsoa" || a["code"] != "E01000001" {
		t.Errorf("area = %v", a)
	}
	if props := jobj(t, p["properties"]); props["imd_rank"] == nil || props["need_pct"] != nil {
		t.Errorf("properties = %v: want its own, no metrics", props)
	}

	checkError(t, ts.get(t, "/api/underserved?edition=iod2019"), http.StatusNotFound, spatlas.ENOTFOUND, "run spatlas build")
	checkError(t, ts.get(t, "/api/inequality?edition=iod2019"), http.StatusNotFound, spatlas.ENOTFOUND, "lw_fte_per_10k")

	c := getCSV(t, ts, "/api/download/iod2019/lsoa.csv")
	var own []string
	for _, p := range spatlas.LevelProperties(spatlas.LevelLSOA) {
		own = append(own, p.Name)
	}
	if !slices.Equal(c.header, own) || len(c.rows) != 9 {
		t.Errorf("unbuilt download: header %v, %d rows; want the LSOA's own columns and 9 rows", c.header, len(c.rows))
	}
	if h := c.res.Header; h.Get("Spatlas-Edition") != "iod2019" || h.Get("Spatlas-Built-At") != "" || h.Get("Spatlas-Build-Params") != "" {
		t.Errorf("headers: edition %q, built at %q, params %q", h.Get("Spatlas-Edition"), h.Get("Spatlas-Built-At"), h.Get("Spatlas-Build-Params"))
	}
	ds := decodeJSON(t, ts.get(t, "/api/datasets"), http.StatusOK)
	if bs, _ := ds["builds"].([]any); len(bs) != 0 {
		t.Errorf("builds = %v, want none", ds["builds"])
	}
}

// disclosureServices are link worker services placed at the fixture's LSOA points, with
// caseloads chosen to cross the disclosure thresholds: E01000001 3 (suppressed), E01000002 8
// (10), E01000003 12 (10), E01000004 6 + 7 = 13 (15), E01000005 1003 (1005), E01000006 0 (0),
// E01000007 2 and E01000008 3 (both suppressed, and their district's 5 too), E01000009 none.
const disclosureServices = `id,name,provider_type,fte,caseload,lon,lat
s1,Service one,pcn,1,3,-1.245,54.565
s2,Service two,vcs,1,8,-1.235,54.565
s3,Service three,la,0.5,12,-1.225,54.565
s4a,Service four a,pcn,1,6,-1.245,54.575
s4b,Service four b,other,1,7,-1.245,54.575
s5,Service five,pcn,2,1003,-1.235,54.575
s6,Service six,vcs,1,0,-1.225,54.575
s7,Service seven,pcn,1,2,-1.245,54.585
s8,Service eight,pcn,1,3,-1.235,54.585
`

// TestDownloadDisclosureOfCaseloads builds the fixture with services of known caseloads in a
// database of its own and checks every download: LSOAs and districts show 1 to 7 as null and
// suppressed and round the rest to the nearest 5, a district's caseload is disclosed from its
// sum (not from its LSOAs' rounded values), England's is exact, and the caseload is no
// inequality metric.
func TestDownloadDisclosureOfCaseloads(t *testing.T) {
	db := pgtest.DB(t, "disclosure")
	pgtest.Load(t, db, pgtest.FixtureDir(t), "iod2019")
	ctx := t.Context()
	im, err := linkworkers.ReadServices("disclosure-test", "services.csv", strings.NewReader(disclosureServices), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Services) != 9 {
		t.Fatalf("%d services read, want 9 (rejected %v, unlocated %v)", len(im.Services), im.Rejected, im.Unlocated)
	}
	if _, err := db.LoadImport(ctx, im); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Build(ctx, "iod2019", spatlas.DefaultBuildParams(), true); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, Config{Features: db, Provision: db, Analysis: db})

	type shown struct {
		value      string // "" for null
		suppressed string
	}
	want := map[string]shown{
		"E01000001": {"", "true"}, "E01000002": {"10", "false"}, "E01000003": {"10", "false"},
		"E01000004": {"15", "false"}, "E01000005": {"1005", "false"}, "E01000006": {"0", "false"},
		"E01000007": {"", "true"}, "E01000008": {"", "true"}, "E01000009": {"", "false"},
		"E06000001": {"1040", "false"}, // 3 + 8 + 12 + 13 + 1003 + 0 = 1039
		"E06000002": {"", "true"},      // 2 + 3 = 5
	}
	for _, level := range []string{spatlas.LevelLSOA, spatlas.LevelLAD} {
		for _, format := range []string{"csv", "geojson"} {
			target := "/api/download/iod2019/" + level + "." + format
			got := map[string]shown{}
			if format == "csv" {
				for _, r := range getCSV(t, ts, target).rows {
					got[r["code"]] = shown{r["lw_caseload"], r["lw_caseload_suppressed"]}
				}
			} else {
				fc := decodeJSON(t, ts.get(t, target), http.StatusOK)
				for _, f := range jarr(t, fc["features"]) {
					p := jobj(t, f["properties"])
					v := ""
					if p["lw_caseload"] != nil {
						v = fmt.Sprint(p["lw_caseload"])
					}
					got[f["id"].(string)] = shown{v, fmt.Sprint(p["lw_caseload_suppressed"])}
				}
			}
			for code, g := range got {
				if w, ok := want[code]; ok && g != w {
					t.Errorf("%s %s: lw_caseload %q suppressed %s, want %q %s", target, code, g.value, g.suppressed, w.value, w.suppressed)
				}
			}
			for code := range want {
				if _, ok := got[code]; !ok && strings.HasPrefix(code, "E01") == (level == spatlas.LevelLSOA) {
					t.Errorf("%s: no %s", target, code)
				}
			}
		}
	}
	ds := decodeJSON(t, ts.get(t, "/api/datasets"), http.StatusOK)
	for _, b := range jarr(t, ds["builds"]) {
		if e := jobj(t, b["england"]); jf(e, "lw_caseload") != 1044 {
			t.Errorf("England lw_caseload %v, want the exact 1044 (national figures are not suppressed)", e["lw_caseload"])
		}
	}
	checkError(t, ts.get(t, "/api/inequality?edition=iod2019&metric=lw_caseload"), http.StatusBadRequest, spatlas.EINVALID, "lw_caseload")
}
