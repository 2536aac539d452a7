package taxonomy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
	"github.com/spatlas/spatlas/internal/textio"
)

func mustBuiltin(tb testing.TB) *Taxonomy {
	tb.Helper()
	tx, err := Builtin()
	if err != nil {
		tb.Fatalf("Builtin: %v", err)
	}
	return tx
}

func TestBuiltinCategories(t *testing.T) {
	tx := mustBuiltin(t)
	want := []string{"food", "housing", "energy-fuel", "money-debt", "physical-activity", "arts-culture",
		"social-groups", "mental-health", "green-space", "learning-work", "faith-community",
		"health-services", "other"}
	cats := tx.Categories()
	if len(cats) != len(want) {
		t.Fatalf("%d categories, want %d", len(cats), len(want))
	}
	colours := map[string]string{}
	for i, c := range cats {
		if c.ID != want[i] {
			t.Errorf("category %d is %q, want %q", i, c.ID, want[i])
		}
		if c.Label == "" || c.Group == "" || c.GroupLabel == "" {
			t.Errorf("category %q has an empty label, group or group label: %+v", c.ID, c)
		}
		if prev, dup := colours[c.Colour]; dup {
			t.Errorf("categories %q and %q share colour %s", prev, c.ID, c.Colour)
		}
		colours[c.Colour] = c.ID
	}
	if c, _ := tx.Category("food"); c.Group != "basic-needs" || c.GroupLabel != "Basic needs" {
		t.Errorf("food is in group %q (%q), want basic-needs (Basic needs)", c.Group, c.GroupLabel)
	}
	cats[0].ID = "changed"
	if tx.Categories()[0].ID != "food" {
		t.Error("Categories returns the taxonomy's own slice")
	}
}

func TestClassify(t *testing.T) {
	tx := mustBuiltin(t)
	tags := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		h    spatlas.CategoryHints
		want string
	}{
		{"category set by the import", spatlas.CategoryHints{Category: "food", Name: "Central Library"}, "food"},
		{"unknown category set falls through", spatlas.CategoryHints{Category: "nope", Name: "Central Library"}, "learning-work"},
		{"nothing at all", spatlas.CategoryHints{}, "other"},
		// A street in a name is not what the place is; a place's type beats words in its name.
		{"allotment on Church Street", spatlas.CategoryHints{Name: "Church Street Allotments"}, "green-space"},
		{"a street alone", spatlas.CategoryHints{Name: "12 Church Street"}, "other"},
		{"Park Road", spatlas.CategoryHints{Name: "Park Road"}, "other"},
		{"Chapel Lane community centre", spatlas.CategoryHints{Name: "Chapel Lane Community Centre"}, "faith-community"},
		{"a church still a church", spatlas.CategoryHints{Name: "St Mary's Church"}, "faith-community"},
		{"tennis court is not a street", spatlas.CategoryHints{Name: "Tennis Courts"}, "physical-activity"},
		{"type beats the name", spatlas.CategoryHints{Name: "Church Street Gardens", Labels: []string{"Allotments"}}, "green-space"},
		{"tags beat the name", spatlas.CategoryHints{Name: "Church Allotments", Tags: tags("landuse", "allotments")}, "green-space"},
		{"accents", spatlas.CategoryHints{Name: "Community Café"}, "food"},
		// OpenStreetMap tags.
		{"library", spatlas.CategoryHints{Tags: tags("amenity", "library")}, "learning-work"},
		{"food bank amenity", spatlas.CategoryHints{Tags: tags("amenity", "food_bank")}, "food"},
		{"food bank social facility", spatlas.CategoryHints{Tags: tags("amenity", "social_facility", "social_facility", "food_bank")}, "food"},
		{"place of worship", spatlas.CategoryHints{Tags: tags("amenity", "place_of_worship", "religion", "christian")}, "faith-community"},
		{"community centre that is a sports centre", spatlas.CategoryHints{Tags: tags("amenity", "community_centre", "leisure", "sports_centre")}, "faith-community"},
		{"shelter falls to bird hide", spatlas.CategoryHints{Tags: tags("amenity", "shelter", "leisure", "bird_hide")}, "green-space"},
		{"pharmacy", spatlas.CategoryHints{Tags: tags("amenity", "pharmacy")}, "health-services"},
		{"healthcare wildcard", spatlas.CategoryHints{Tags: tags("healthcare", "physiotherapist")}, "health-services"},
		{"healthcare counselling", spatlas.CategoryHints{Tags: tags("healthcare", "counselling")}, "mental-health"},
		{"police", spatlas.CategoryHints{Tags: tags("amenity", "police"), Name: "Church Street Police Station"}, "other"},
		{"nightclub named church", spatlas.CategoryHints{Tags: tags("amenity", "nightclub"), Name: "The Church"}, "other"},
		{"sports shop", spatlas.CategoryHints{Tags: tags("shop", "sports", "sport", "golf")}, "other"},
		{"multi-valued sport", spatlas.CategoryHints{Tags: tags("sport", "tennis;squash")}, "physical-activity"},
		{"sport club", spatlas.CategoryHints{Tags: tags("club", "sport", "sport", "bowls")}, "physical-activity"},
		{"other club", spatlas.CategoryHints{Tags: tags("club", "photography")}, "social-groups"},
		{"playground", spatlas.CategoryHints{Tags: tags("leisure", "playground")}, "physical-activity"},
		{"untagged kind falls to name", spatlas.CategoryHints{Tags: tags("building", "yes"), Name: "St Mary's Church"}, "faith-community"},
		{"museum", spatlas.CategoryHints{Tags: tags("tourism", "museum")}, "arts-culture"},
		{"allotments", spatlas.CategoryHints{Tags: tags("landuse", "allotments")}, "green-space"},
		// Open Referral terms.
		{"term food banks", spatlas.CategoryHints{Terms: []string{"Food banks"}}, "food"},
		{"term debt advice lower case", spatlas.CategoryHints{Terms: []string{"debt advice"}}, "money-debt"},
		{"term with spaces", spatlas.CategoryHints{Terms: []string{" Mental Health "}}, "mental-health"},
		{"term sport and recreation", spatlas.CategoryHints{Terms: []string{"Sport and recreation"}}, "physical-activity"},
		{"term arts & crafts", spatlas.CategoryHints{Terms: []string{"Arts & Crafts"}}, "arts-culture"},
		{"unknown term then known", spatlas.CategoryHints{Terms: []string{"name", "Befriending"}}, "social-groups"},
		{"term path", spatlas.CategoryHints{Terms: []string{"Low Income>Unemployed"}}, "learning-work"},
		{"term path last unknown", spatlas.CategoryHints{Terms: []string{"Housing>Something else"}}, "housing"},
		{"terms before labels", spatlas.CategoryHints{Terms: []string{"Employment"}, Labels: []string{"Food bank"}}, "learning-work"},
		{"term adult learning", spatlas.CategoryHints{Terms: []string{"Adult learning"}}, "learning-work"},
		// Labels.
		{"label bowling", spatlas.CategoryHints{Labels: []string{"Bowling"}}, "physical-activity"},
		{"label place of worship", spatlas.CategoryHints{Labels: []string{"Place Of Worship"}}, "faith-community"},
		{"label LAL", spatlas.CategoryHints{Labels: []string{"LAL"}}, "learning-work"},
		{"label CRL", spatlas.CategoryHints{Labels: []string{"crl"}}, "learning-work"},
		{"label grass pitches (plural)", spatlas.CategoryHints{Labels: []string{"Grass pitches"}}, "physical-activity"},
		{"label sports halls", spatlas.CategoryHints{Labels: []string{"Sports halls"}}, "physical-activity"},
		{"label gym stations", spatlas.CategoryHints{Labels: []string{"Health and fitness gym stations"}}, "physical-activity"},
		{"label swimming pools", spatlas.CategoryHints{Labels: []string{"Swimming pools"}}, "physical-activity"},
		{"label library type", spatlas.CategoryHints{Labels: []string{"Local authority run library book access point"}}, "learning-work"},
		{"label cricket, tennis", spatlas.CategoryHints{Labels: []string{"Cricket, Tennis"}}, "physical-activity"},
		{"whole label before keywords", spatlas.CategoryHints{Labels: []string{"a food bank", "Place Of Worship"}}, "faith-community"},
		{"charity text", spatlas.CategoryHints{Labels: []string{"Providing emergency food, essential toiletries and household items"}, Name: "TRAFFORD SOUTH FOODBANK"}, "food"},
		{"charity text choir", spatlas.CategoryHints{Labels: []string{"A choir of about 60 amateur singers"}}, "arts-culture"},
		{"charity text nothing", spatlas.CategoryHints{Labels: []string{"General charitable purposes"}}, "other"},
		{"labels-only word in a label", spatlas.CategoryHints{Labels: []string{"Community health"}}, "health-services"},
		// Names, as the last resort.
		{"foodbank", spatlas.CategoryHints{Name: "Trafford South Foodbank"}, "food"},
		{"church food bank", spatlas.CategoryHints{Name: "St Mary's Church Food Bank"}, "food"},
		{"pantry", spatlas.CategoryHints{Name: "Your Local Pantry, Stretford"}, "food"},
		{"citizens advice", spatlas.CategoryHints{Name: "Citizens Advice Trafford"}, "money-debt"},
		{"credit union", spatlas.CategoryHints{Name: "Stretford Credit Union"}, "money-debt"},
		{"mosque", spatlas.CategoryHints{Name: "Jamia Mosque"}, "faith-community"},
		{"allotment", spatlas.CategoryHints{Name: "Brooklands Allotments"}, "green-space"},
		{"park", spatlas.CategoryHints{Name: "Bowthorpe Park"}, "green-space"},
		{"medical practice named park", spatlas.CategoryHints{Name: "Park Medical Practice"}, "health-services"},
		{"car park", spatlas.CategoryHints{Name: "Castle Mall Car Park"}, "other"},
		{"leisure centre", spatlas.CategoryHints{Name: "Stretford Leisure Centre"}, "physical-activity"},
		{"gym", spatlas.CategoryHints{Name: "PureGym"}, "other"},
		{"gym word", spatlas.CategoryHints{Name: "The Gym Group"}, "physical-activity"},
		{"choir", spatlas.CategoryHints{Name: "Sale Choral Society"}, "arts-culture"},
		{"mens shed apostrophe", spatlas.CategoryHints{Name: "Urmston Men's Shed"}, "social-groups"},
		{"typographic apostrophe", spatlas.CategoryHints{Name: "Urmston Men’s Shed"}, "social-groups"},
		{"labels-only word in a name", spatlas.CategoryHints{Name: "Health Matters Ltd"}, "other"},
		{"upper case", spatlas.CategoryHints{Name: "DUKINFIELD BAPTIST CHURCH"}, "faith-community"},
		{"whole words only", spatlas.CategoryHints{Name: "Parkinson Lodge"}, "other"},
		{"non-ASCII", spatlas.CategoryHints{Name: "Café Église Community Centre"}, "faith-community"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tx.Classify(tt.h); got != tt.want {
				t.Errorf("Classify(%+v) = %q, want %q", tt.h, got, tt.want)
			}
		})
	}
}

// norwichTags is every value of the priority keys in osm-norwich-2019, with the category it maps to.
var norwichTags = map[string]string{
	"amenity=bird_hide": "green-space", "amenity=cinema": "arts-culture", "amenity=community_centre": "faith-community",
	"amenity=doctors": "health-services", "amenity=library": "learning-work", "amenity=nightclub": "other",
	"amenity=police": "other", "amenity=school": "learning-work", "amenity=theatre": "arts-culture",
	"club=sport": "physical-activity", "shop=sports": "other",
	"leisure=bandstand": "arts-culture", "leisure=bird_hide": "green-space", "leisure=bowling_alley": "physical-activity",
	"leisure=common": "green-space", "leisure=dance": "arts-culture", "leisure=disused:sports_centre": "other",
	"leisure=escape_game": "other", "leisure=firepit": "green-space", "leisure=fishing": "physical-activity",
	"leisure=fitness_centre": "physical-activity", "leisure=fitness_station": "physical-activity", "leisure=garden": "green-space",
	"leisure=golf_course": "physical-activity", "leisure=horse_riding": "physical-activity", "leisure=indoor_pool": "physical-activity",
	"leisure=marina": "physical-activity", "leisure=miniature_golf": "physical-activity", "leisure=nature_reserve": "green-space",
	"leisure=outdoor_gym": "physical-activity", "leisure=outdoor_seating": "other", "leisure=park": "green-space",
	"leisure=picnic_table": "green-space", "leisure=pitch": "physical-activity", "leisure=playground": "physical-activity",
	"leisure=rage_room": "other", "leisure=recreation_ground": "green-space", "leisure=slipway": "other",
	"leisure=sports_centre": "physical-activity", "leisure=stadium": "physical-activity", "leisure=swimming_pool": "physical-activity",
	"leisure=tanning_salon": "other", "leisure=track": "physical-activity", "leisure=wildlife_hide": "green-space",
	"leisure=theatre": "arts-culture", "sport=soccer": "physical-activity", "sport=chess": "social-groups",
	"sport=table_tennis": "physical-activity", "sport=multi": "physical-activity", "sport=gymnastics": "physical-activity",
	"sport=archery": "physical-activity", "sport=10pin": "physical-activity", "sport=billiards": "social-groups",
	"tourism=picnic_site": "green-space", "tourism=attraction": "", "landuse=recreation_ground": "green-space",
	"landuse=meadow": "green-space", "landuse=farmland": "", "natural=wood": "green-space", "natural=water": "green-space",
	"building=church": "faith-community", "building=school": "learning-work", "building=swimming_pool": "physical-activity",
}

func TestNorwichTagValues(t *testing.T) {
	tx := mustBuiltin(t)
	for tag, want := range norwichTags {
		t.Run(tag, func(t *testing.T) {
			k, v, _ := strings.Cut(tag, "=")
			if got := tx.byTags(map[string]string{k: v}); got != want {
				t.Errorf("%s maps to %q, want %q", tag, got, want)
			}
		})
	}
}

// TestNorwichFeatures checks that every feature of the real OpenStreetMap sample is placed by
// its tags, and that every value of a priority key in it is in norwichTags.
func TestNorwichFeatures(t *testing.T) {
	dir := testenv.DataDir(t)
	tx := mustBuiltin(t)
	files, _ := filepath.Glob(filepath.Join(dir, "osm-norwich-2019", "*.geojson"))
	if len(files) != 3 {
		t.Fatalf("found %d osm-norwich-2019 GeoJSON files, want 3", len(files))
	}
	counts := map[string]int{}
	n := 0
	for _, f := range files {
		for _, props := range readGeoJSONProps(t, f) {
			tags := map[string]string{}
			for k, v := range props {
				if s, ok := v.(string); ok {
					tags[k] = s
				}
			}
			if tag := decidingTag(tx, tags); tag != "" && !strings.HasPrefix(tag, "sport=") {
				if _, listed := norwichTags[tag]; !listed {
					t.Errorf("%s: %s is not in the test's table", filepath.Base(f), tag)
				}
			}
			if tx.byTags(tags) == "" {
				t.Errorf("%s: feature %v (%q) is placed by no tag", filepath.Base(f), tags["id"], tags["name"])
			}
			counts[tx.Classify(spatlas.CategoryHints{Tags: tags, Name: tags["name"]})]++
			n++
		}
	}
	if n != 791 {
		t.Errorf("read %d features, want 791", n)
	}
	if counts["learning-work"] < 19 || counts["physical-activity"] < 400 || counts["green-space"] < 150 {
		t.Errorf("categories %v: want at least the 19 libraries, 400 pitches and sports places, 150 green spaces", counts)
	}
	t.Logf("osm-norwich-2019: %d features: %v", n, counts)
}

// decidingTag returns the key=value of the first tag, in priority order, that a rule maps.
func decidingTag(tx *Taxonomy, tags map[string]string) string {
	for _, k := range tx.tags {
		if v, ok := tags[k.key]; ok && tx.byTags(map[string]string{k.key: v}) != "" {
			return k.key + "=" + v
		}
	}
	return ""
}

func readGeoJSONProps(tb testing.TB, path string) []map[string]any {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	props := make([]map[string]any, len(fc.Features))
	for i, f := range fc.Features {
		props[i] = f.Properties
	}
	return props
}

// TestRealLabels classifies the category columns of the real sources: every value must land in
// the expected category, never in other.
func TestRealLabels(t *testing.T) {
	dir := testenv.DataDir(t)
	tx := mustBuiltin(t)
	tests := []struct {
		file, column, want string
		skip               string // a value that may be empty
	}{
		{"greater-manchester-assets/sports_clubs.csv", "category", "physical-activity", ""},
		{"greater-manchester-assets/sports_facilities.csv", "facility_type", "physical-activity", ""},
		{"greater-manchester-assets/gm_libraries.csv", "type", "learning-work", ""},
		{"england-libraries/libraries.csv", "type", "learning-work", ""},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file)+"/"+tt.column, func(t *testing.T) {
			seen := map[string]bool{}
			for _, v := range readColumn(t, filepath.Join(dir, tt.file), tt.column) {
				if v == "" || seen[v] {
					continue
				}
				seen[v] = true
				if got := tx.Classify(spatlas.CategoryHints{Labels: []string{v}}); got != tt.want {
					t.Errorf("%s %q -> %q, want %q", tt.column, v, got, tt.want)
				}
			}
			if len(seen) < 4 {
				t.Errorf("only %d distinct values in %s", len(seen), tt.column)
			}
		})
	}
	t.Run("places of worship", func(t *testing.T) {
		props := readGeoJSONProps(t, filepath.Join(dir, "greater-manchester-assets", "gm_places_of_worship_RAW.geojson"))
		for _, p := range props {
			c, _ := p["CLASSIFICA"].(string)
			name, _ := p["DISTNAME"].(string)
			if got := tx.Classify(spatlas.CategoryHints{Labels: []string{c}, Name: name}); got != "faith-community" {
				t.Fatalf("CLASSIFICA %q, name %q -> %q, want faith-community", c, name, got)
			}
		}
	})
}

func readColumn(tb testing.TB, path, column string) []string {
	tb.Helper()
	rc, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	cr, err := textio.NewCSVReader(filepath.Base(path), rc)
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := cr.Columns(column)
	if err != nil {
		tb.Fatal(err)
	}
	var vals []string
	for {
		ok, err := cr.Next()
		if err != nil {
			tb.Fatal(err)
		}
		if !ok {
			return vals
		}
		vals = append(vals, cr.Record()[idx[0]])
	}
}

// TestRealNames classifies the names and texts of sources with no category column, to show
// what the keywords make of them.
func TestRealNames(t *testing.T) {
	dir := testenv.DataDir(t)
	tx := mustBuiltin(t)
	tests := []struct {
		file, name, label string
		want              string // the category most rows must get
		atLeast           float64
	}{
		{"greater-manchester-assets/gm_food_banks.csv", "Name", "", "food", 0.3},
		{"greater-manchester-assets/trafford_mental_health_services.csv", "name", "description", "mental-health", 0.5},
		{"greater-manchester-assets/trafford_general_practices.csv", "name", "", "health-services", 0.9},
		{"greater-manchester-assets/charities_operating_in_trafford.csv", "charity_name", "charity_activities", "", 0},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			names := readColumn(t, filepath.Join(dir, tt.file), tt.name)
			var labels []string
			if tt.label != "" {
				labels = readColumn(t, filepath.Join(dir, tt.file), tt.label)
			}
			counts := map[string]int{}
			for i, n := range names {
				h := spatlas.CategoryHints{Name: n}
				if labels != nil && labels[i] != "NA" {
					h.Labels = []string{labels[i]}
				}
				counts[tx.Classify(h)]++
			}
			t.Logf("%s: %d rows: %v", filepath.Base(tt.file), len(names), counts)
			if tt.want != "" && float64(counts[tt.want]) < tt.atLeast*float64(len(names)) {
				t.Errorf("%d of %d rows are %s, want at least %.0f%%", counts[tt.want], len(names), tt.want, tt.atLeast*100)
			}
		})
	}
}

func TestClassifyDeterministic(t *testing.T) {
	tx := mustBuiltin(t)
	h := spatlas.CategoryHints{
		Tags:   map[string]string{"building": "yes", "shop": "no", "leisure": "x", "amenity": "y", "sport": "z"},
		Labels: []string{"music and sport and church and food bank"},
	}
	first := tx.Classify(h)
	for range 50 {
		if got := tx.Classify(h); got != first {
			t.Fatalf("Classify gave %q, then %q", first, got)
		}
	}
	if first != "physical-activity" { // sport=z is the first tag a rule maps (sport=*)
		t.Errorf("got %q, want physical-activity", first)
	}
}

func TestAssign(t *testing.T) {
	tx := mustBuiltin(t)
	assets := []spatlas.Asset{
		{Name: "Sale Library"},
		{Name: "Sale Library", Category: "food"},
		{Name: "x", Hints: spatlas.CategoryHints{Category: "housing"}},
		{Name: "Nothing", Category: "bogus"},
	}
	tx.Assign(assets)
	want := []string{"learning-work", "food", "housing", "other"}
	for i, a := range assets {
		if a.Category != want[i] {
			t.Errorf("asset %d (%q): category %q, want %q", i, a.Name, a.Category, want[i])
		}
	}
}

const minimal = `{
  "groups": [{"id": "g", "label": "G"}],
  "categories": [
    {"id": "food", "label": "Food", "group": "g", "colour": "#CC6677"},
    {"id": "other", "label": "Other", "group": "g", "colour": "#BBBBBB"}
  ],
  "osm": {"priority": ["amenity"], "rules": [{"category": "food", "tags": ["amenity=food_bank"]}]},
  "terms": [{"category": "food", "terms": ["Food banks"]}],
  "labels": [{"category": "food", "labels": ["Food"]}],
  "keywords": [{"category": "food", "keywords": ["food bank"]}]
}`

func TestParseErrors(t *testing.T) {
	if _, err := Parse([]byte(minimal)); err != nil {
		t.Fatalf("the minimal taxonomy: %v", err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"duplicate id", `"id": "other", "label": "Other"`, `"id": "food", "label": "Other"`, `categories[1]: duplicate category id "food"`},
		{"no other", `"id": "other", "label": "Other"`, `"id": "misc", "label": "Other"`, `no "other" category`},
		{"not kebab-case", `"id": "food", "label": "Food"`, `"id": "Food_1", "label": "Food"`, `categories[0]: id "Food_1" is not kebab-case`},
		{"unknown group", `"group": "g", "colour": "#CC6677"`, `"group": "h", "colour": "#CC6677"`, `categories[0] ("food"): unknown group "h"`},
		{"bad colour", `#CC6677`, `red`, `categories[0] ("food"): colour "red"`},
		{"unknown tag target", `{"category": "food", "tags"`, `{"category": "fod", "tags"`, `osm.rules[0]: unknown category "fod"`},
		{"tag key not in priority", `"amenity=food_bank"`, `"shop=food_bank"`, `osm.rules[0].tags[0] "shop=food_bank": key "shop" is not in osm.priority`},
		{"malformed tag", `"amenity=food_bank"`, `"amenity"`, `osm.rules[0].tags[0] "amenity": not of the form key=value`},
		{"duplicate tag", `"amenity=food_bank"]`, `"amenity=food_bank", "amenity=food_bank"]`, `osm.rules[0].tags[1] "amenity=food_bank": tag already mapped`},
		{"unknown term target", `{"category": "food", "terms"`, `{"category": "drink", "terms"`, `terms[0]: unknown category "drink"`},
		{"duplicate term", `["Food banks"]`, `["Food banks", "FOOD  BANKS"]`, `terms[0][1]: "FOOD  BANKS" is already mapped`},
		{"unknown label target", `{"category": "food", "labels"`, `{"category": "x", "labels"`, `labels[0]: unknown category "x"`},
		{"unknown keyword target", `{"category": "food", "keywords"`, `{"category": "x", "keywords"`, `keywords[0]: unknown category "x"`},
		{"duplicate keyword", `["food bank"]`, `["food bank", "Food-Bank"]`, `keywords[0][1]: keyword "Food-Bank" is already in an earlier rule`},
		{"empty keyword", `["food bank"]`, `["--"]`, `keywords[0][0]: "--" has no letters or digits`},
		{"unknown field", `"terms":`, `"term": [], "terms":`, `unknown field "term"`},
		{"not JSON", `{`, `[`, `not valid taxonomy JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(minimal, tt.old, tt.new, 1)
			if src == minimal {
				t.Fatalf("the test's replacement of %q changed nothing", tt.old)
			}
			_, err := Parse([]byte(src))
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "taxonomy: ") {
				t.Errorf("error %q, want it to start with \"taxonomy: \" and contain %q", err, tt.want)
			}
			if spatlas.ErrorCode(err) != spatlas.EINVALID {
				t.Errorf("code %q, want %q", spatlas.ErrorCode(err), spatlas.EINVALID)
			}
		})
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Place Of   Worship ", "place of worship"},
		{"Men's Shed", "mens shed"},
		{"Arts & Crafts", "arts and crafts"},
		{"Low Income>Unemployed", "low income unemployed"},
		{"ÉGLISE", "eglise"},
		{"---", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normalise(tt.in); got != tt.want {
				t.Errorf("normalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// BenchmarkClassify classifies hints like the importers' rows: a name alone, a label, OSM tags,
// a category the import set, a charity's long activities text, and a mix of them all.
func BenchmarkClassify(b *testing.B) {
	tx := mustBuiltin(b)
	cases := []struct {
		name string
		h    spatlas.CategoryHints
	}{
		{"name", spatlas.CategoryHints{Name: "Stretford Community Food Bank"}},
		{"name-no-match", spatlas.CategoryHints{Name: "Asset 123456 Wellington Road"}},
		{"label", spatlas.CategoryHints{Labels: []string{"Grass pitches"}, Name: "Abbotsfield Park"}},
		{"whole-label", spatlas.CategoryHints{Labels: []string{"Local authority run library"}, Name: "Sale Library"}},
		{"tags", spatlas.CategoryHints{Tags: map[string]string{"leisure": "pitch", "sport": "soccer", "name": "Pitch 3"}}},
		{"category", spatlas.CategoryHints{Category: "green-space", Name: "x"}},
		{"long-text", spatlas.CategoryHints{Labels: []string{"The charity provides grants to individuals in need " +
			"and supports local schools and churches in the area, with a programme of events through the year for " +
			"people of all ages, and makes donations to other charities working with older people in the borough."},
			Name: "THE SALE CHARITABLE TRUST"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if tx.Classify(c.h) == "" {
					b.Fatal("empty category")
				}
			}
		})
	}
	b.Run("mix", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if tx.Classify(cases[i%len(cases)].h) == "" {
				b.Fatal("empty category")
			}
		}
	})
}
