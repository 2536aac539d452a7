package taxonomy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/spatlas/spatlas/data"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// Other is the category of assets no rule places, and the one category every taxonomy must have.
const Other = "other"

// Category is one asset category, with the group it belongs to and the colour the map uses for it.
type Category struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Group      string `json:"group"`
	GroupLabel string `json:"group_label"`
	Colour     string `json:"colour"`
}

// Taxonomy is a parsed taxonomy with its rules compiled for Classify. It is safe for concurrent
// use.
type Taxonomy struct {
	cats   []Category
	index  map[string]int      // category id -> index in cats
	tags   []tagKey            // in priority order
	terms  map[string]string   // normalised term -> category
	labels map[string]string   // normalised label -> category
	words  map[string][]phrase // first word of a keyword -> keywords starting with it
	rules  []string            // keyword rule index -> category
	texts  sync.Pool           // of *text, so that Classify does not allocate
}

// tagKey holds the rules of one OpenStreetMap key.
type tagKey struct {
	key      string
	values   map[string]string // value -> category
	wildcard string            // category of key=*, or ""
}

// phrase is one keyword: its words, and the rule (in file order) it belongs to.
type phrase struct {
	words      []string
	rule       int
	labelsOnly bool
}

// file is the layout of data/taxonomy.json.
type file struct {
	About  string `json:"about"`
	Groups []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"groups"`
	Categories []struct {
		ID     string `json:"id"`
		Label  string `json:"label"`
		Group  string `json:"group"`
		Colour string `json:"colour"`
	} `json:"categories"`
	OSM struct {
		Priority []string `json:"priority"`
		Rules    []struct {
			Category string   `json:"category"`
			Tags     []string `json:"tags"`
		} `json:"rules"`
	} `json:"osm"`
	Terms    []listRule `json:"terms"`
	Labels   []listRule `json:"labels"`
	Keywords []struct {
		Category   string   `json:"category"`
		Keywords   []string `json:"keywords"`
		LabelsOnly bool     `json:"labels_only"`
	} `json:"keywords"`
}

// listRule maps a list of terms or labels to a category.
type listRule struct {
	Category string   `json:"category"`
	Terms    []string `json:"terms"`
	Labels   []string `json:"labels"`
}

// Builtin returns the taxonomy spatlas ships with (data/taxonomy.json).
func Builtin() (*Taxonomy, error) { return Parse(data.Taxonomy()) }

// Parse reads and checks a taxonomy: ids are unique kebab-case, colours are #RRGGBB, every rule
// names a known category and every tag, term, label and keyword appears once. Errors are
// EINVALID and say what is wrong and where.
func Parse(b []byte) (*Taxonomy, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, invalid("not valid taxonomy JSON: %v", err)
	}
	t := &Taxonomy{index: map[string]int{}}
	if err := t.addCategories(&f); err != nil {
		return nil, err
	}
	if err := t.addTags(&f); err != nil {
		return nil, err
	}
	var err error
	if t.terms, err = t.wholeMap("terms", f.Terms, func(r listRule) []string { return r.Terms }); err != nil {
		return nil, err
	}
	if t.labels, err = t.wholeMap("labels", f.Labels, func(r listRule) []string { return r.Labels }); err != nil {
		return nil, err
	}
	if err := t.addKeywords(&f); err != nil {
		return nil, err
	}
	return t, nil
}

func invalid(format string, args ...any) error {
	return spatlas.Errorf(spatlas.EINVALID, "taxonomy: "+format, args...)
}

// addCategories checks the groups and categories and indexes the categories.
func (t *Taxonomy) addCategories(f *file) error {
	groups := map[string]string{}
	for i, g := range f.Groups {
		switch {
		case !kebab(g.ID):
			return invalid("groups[%d]: id %q is not kebab-case (a-z, 0-9 and single hyphens)", i, g.ID)
		case g.Label == "":
			return invalid("groups[%d] (%q): no label", i, g.ID)
		case groups[g.ID] != "":
			return invalid("groups[%d]: duplicate group id %q", i, g.ID)
		}
		groups[g.ID] = g.Label
	}
	for i, c := range f.Categories {
		switch {
		case !kebab(c.ID):
			return invalid("categories[%d]: id %q is not kebab-case (a-z, 0-9 and single hyphens)", i, c.ID)
		case c.Label == "":
			return invalid("categories[%d] (%q): no label", i, c.ID)
		case groups[c.Group] == "":
			return invalid("categories[%d] (%q): unknown group %q", i, c.ID, c.Group)
		case !hexColour(c.Colour):
			return invalid("categories[%d] (%q): colour %q is not of the form #RRGGBB", i, c.ID, c.Colour)
		}
		if _, dup := t.index[c.ID]; dup {
			return invalid("categories[%d]: duplicate category id %q", i, c.ID)
		}
		t.index[c.ID] = len(t.cats)
		t.cats = append(t.cats, Category{ID: c.ID, Label: c.Label, Group: c.Group, GroupLabel: groups[c.Group], Colour: c.Colour})
	}
	if !t.Has(Other) {
		return invalid("no %q category: every taxonomy needs one for assets no rule places", Other)
	}
	return nil
}

// addTags compiles the OpenStreetMap rules into one lookup per key, in priority order.
func (t *Taxonomy) addTags(f *file) error {
	byKey := map[string]*tagKey{}
	t.tags = make([]tagKey, 0, len(f.OSM.Priority)) // byKey points into it: no reallocation
	for i, k := range f.OSM.Priority {
		if k == "" || byKey[k] != nil {
			return invalid("osm.priority[%d]: key %q is empty or repeated", i, k)
		}
		t.tags = append(t.tags, tagKey{key: k, values: map[string]string{}})
		byKey[k] = &t.tags[len(t.tags)-1]
	}
	for i, r := range f.OSM.Rules {
		if !t.Has(r.Category) {
			return invalid("osm.rules[%d]: unknown category %q", i, r.Category)
		}
		for j, tag := range r.Tags {
			k, v, ok := strings.Cut(tag, "=")
			where := fmt.Sprintf("osm.rules[%d].tags[%d] %q", i, j, tag)
			tk := byKey[k]
			switch {
			case !ok || k == "" || v == "":
				return invalid("%s: not of the form key=value or key=*", where)
			case tk == nil:
				return invalid("%s: key %q is not in osm.priority, so the rule could never apply", where, k)
			case v == "*" && tk.wildcard != "", v != "*" && tk.values[v] != "":
				return invalid("%s: tag already mapped by an earlier rule", where)
			case v == "*":
				tk.wildcard = r.Category
			default:
				tk.values[v] = r.Category
			}
		}
	}
	return nil
}

// wholeMap compiles rules that match a whole term or label.
func (t *Taxonomy) wholeMap(section string, rules []listRule, items func(listRule) []string) (map[string]string, error) {
	m := map[string]string{}
	for i, r := range rules {
		if !t.Has(r.Category) {
			return nil, invalid("%s[%d]: unknown category %q", section, i, r.Category)
		}
		for j, s := range items(r) {
			key := normalise(s)
			if key == "" {
				return nil, invalid("%s[%d][%d]: %q has no letters or digits", section, i, j, s)
			}
			if m[key] != "" {
				return nil, invalid("%s[%d][%d]: %q is already mapped by an earlier rule", section, i, j, s)
			}
			m[key] = r.Category
		}
	}
	return m, nil
}

// addKeywords compiles the keyword rules into a lookup by first word.
func (t *Taxonomy) addKeywords(f *file) error {
	t.words = map[string][]phrase{}
	seen := map[string]bool{}
	for i, r := range f.Keywords {
		if !t.Has(r.Category) {
			return invalid("keywords[%d]: unknown category %q", i, r.Category)
		}
		t.rules = append(t.rules, r.Category)
		for j, kw := range r.Keywords {
			key := normalise(kw)
			switch {
			case key == "":
				return invalid("keywords[%d][%d]: %q has no letters or digits", i, j, kw)
			case seen[key]:
				return invalid("keywords[%d][%d]: keyword %q is already in an earlier rule", i, j, kw)
			}
			seen[key] = true
			w := strings.Split(key, " ")
			t.words[w[0]] = append(t.words[w[0]], phrase{words: w, rule: i, labelsOnly: r.LabelsOnly})
		}
	}
	return nil
}

// kebab reports whether s is a kebab-case id: lower-case letters and digits in words joined by
// single hyphens.
func kebab(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// hexColour reports whether s is a colour written #RRGGBB.
func hexColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// Categories returns the categories in file order.
func (t *Taxonomy) Categories() []Category { return append([]Category(nil), t.cats...) }

// Category returns the category with the given id.
func (t *Taxonomy) Category(id string) (Category, bool) {
	i, ok := t.index[id]
	if !ok {
		return Category{}, false
	}
	return t.cats[i], true
}

// Has reports whether id is a category of the taxonomy.
func (t *Taxonomy) Has(id string) bool {
	_, ok := t.index[id]
	return ok
}

// Assign sets the category of every asset whose category is empty or unknown, from its hints
// (with the asset's name when the hints carry none).
func (t *Taxonomy) Assign(assets []spatlas.Asset) {
	for i := range assets {
		a := &assets[i]
		if t.Has(a.Category) {
			continue
		}
		h := a.Hints
		if h.Name == "" {
			h.Name = a.Name
		}
		a.Category = t.Classify(h)
	}
}
