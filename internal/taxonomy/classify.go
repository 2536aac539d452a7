package taxonomy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Classify returns the category of a record from what its source says about it, by the first
// rule that applies in the order the package documentation gives. It always returns a category
// of t, "other" when no rule applies, and the same category for the same hints.
func (t *Taxonomy) Classify(h spatlas.CategoryHints) string {
	if t.Has(h.Category) {
		return h.Category
	}
	if c := t.byTags(h.Tags); c != "" {
		return c
	}
	if c := t.byTerms(h.Terms); c != "" {
		return c
	}
	if c := t.byLabels(h.Labels); c != "" {
		return c
	}
	if c := t.byName(h.Name); c != "" {
		return c
	}
	return Other
}

// byTags returns the category of the first tag, in key priority order, that a rule maps, or "".
func (t *Taxonomy) byTags(tags map[string]string) string {
	if len(tags) == 0 {
		return ""
	}
	for i := range t.tags {
		k := &t.tags[i]
		v, ok := tags[k.key]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if c, ok := k.values[v]; ok {
			return c
		}
		if first, _, multi := strings.Cut(v, ";"); multi { // sport=tennis;squash
			if c, ok := k.values[strings.TrimSpace(first)]; ok {
				return c
			}
		}
		if k.wildcard != "" && v != "" && v != "no" {
			return k.wildcard
		}
	}
	return ""
}

// byTerms returns the category of the first term a rule maps, or "". A term written as a path
// ("Parents>Grandparents") is tried whole, then segment by segment from the last.
func (t *Taxonomy) byTerms(terms []string) string {
	if len(terms) == 0 {
		return ""
	}
	x := t.text()
	defer t.texts.Put(x)
	for _, term := range terms {
		x.set(term)
		if c, ok := t.terms[string(x.b)]; ok {
			return c
		}
		if !strings.Contains(term, ">") {
			continue
		}
		segs := strings.Split(term, ">")
		for i := len(segs) - 1; i >= 0; i-- {
			x.set(segs[i])
			if c, ok := t.terms[string(x.b)]; ok {
				return c
			}
		}
	}
	return ""
}

// byLabels returns the category of the first label a rule maps whole, else of the first label
// with a keyword, or "".
func (t *Taxonomy) byLabels(labels []string) string {
	if len(labels) == 0 {
		return ""
	}
	x := t.text()
	defer t.texts.Put(x)
	for _, l := range labels {
		x.set(l)
		if c, ok := t.labels[string(x.b)]; ok {
			return c
		}
	}
	for _, l := range labels {
		x.set(l)
		if r := t.match(x, true); r >= 0 {
			return t.rules[r]
		}
	}
	return ""
}

// byName returns the category of the first keyword rule with a keyword in the name, leaving out
// rules for labels only, or "".
func (t *Taxonomy) byName(name string) string {
	if name == "" {
		return ""
	}
	x := t.text()
	defer t.texts.Put(x)
	x.set(name)
	if r := t.match(x, false); r >= 0 {
		return t.rules[r]
	}
	return ""
}

// match returns the index of the first keyword rule (in file order) that has a keyword in x, or
// -1. Rules for labels only count when labels is true.
func (t *Taxonomy) match(x *text, labels bool) int {
	best := -1
	for i, w := range x.words {
		word := x.b[w[0]:w[1]]
		best = t.matchAt(x, i, word, labels, best)
		if n := len(word); n > 2 && word[n-1] == 's' { // a plural of the keyword's word
			best = t.matchAt(x, i, word[:n-1], labels, best)
			if word[n-2] == 'e' {
				best = t.matchAt(x, i, word[:n-2], labels, best)
			}
		}
		if best == 0 {
			break
		}
	}
	return best
}

// matchAt returns the better of best and the first rule of the keywords that start with first
// at word i of x.
func (t *Taxonomy) matchAt(x *text, i int, first []byte, labels bool, best int) int {
	for _, p := range t.words[string(first)] {
		if (best >= 0 && p.rule >= best) || (p.labelsOnly && !labels) || !x.follows(i, p.words[1:]) ||
			x.isStreet(i+len(p.words)) {
			continue
		}
		best = p.rule
	}
	return best
}

// text is a text normalised for matching: lower-case words separated by single spaces, with
// the start and end of each word.
type text struct {
	b     []byte
	words [][2]int
	open  bool // a word is being read
	start int  // where it starts in b
}

// text returns a text buffer from the taxonomy's pool; put it back when done.
func (t *Taxonomy) text() *text {
	if x, ok := t.texts.Get().(*text); ok {
		return x
	}
	return &text{b: make([]byte, 0, 256), words: make([][2]int, 0, 32)}
}

// normalise returns s as text.set normalises it.
func normalise(s string) string {
	var x text
	x.set(s)
	return string(x.b)
}

// set replaces x with s normalised: letters and digits lower-cased, apostrophes dropped, "&"
// read as "and", and anything else a word break.
func (x *text) set(s string) {
	x.b, x.words, x.open = x.b[:0], x.words[:0], false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				x.add(c)
			case c >= 'A' && c <= 'Z':
				x.add(c + 'a' - 'A')
			case c == '\'':
			case c == '&':
				x.end()
				x.add('a')
				x.add('n')
				x.add('d')
				x.end()
			default:
				x.end()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\u2019' || r == '\u2018': // typographic apostrophes
		case r >= 0xc0 && r <= 0xff && latinBase[r-0xc0] != '*': // "café" is "cafe"
			x.add(latinBase[r-0xc0])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			x.addRune(unicode.ToLower(r))
		default:
			x.end()
		}
	}
	x.end()
}

// latinBase is the letter without its accent of each character from U+00C0 to U+00FF, lower
// case; '*' marks the two that are not letters (× and ÷).
const latinBase = "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty"

// add appends a byte to the current word, starting one if needed.
func (x *text) add(c byte) {
	x.begin()
	x.b = append(x.b, c)
}

// addRune appends a rune to the current word, starting one if needed.
func (x *text) addRune(r rune) {
	x.begin()
	x.b = utf8.AppendRune(x.b, r)
}

func (x *text) begin() {
	if x.open {
		return
	}
	if len(x.words) > 0 {
		x.b = append(x.b, ' ')
	}
	x.open, x.start = true, len(x.b)
}

// end closes the current word, if any.
func (x *text) end() {
	if x.open {
		x.words = append(x.words, [2]int{x.start, len(x.b)})
		x.open = false
	}
}

// follows reports whether the words after word i of x are rest, each perhaps with a plural ending.
func (x *text) follows(i int, rest []string) bool {
	if i+len(rest) >= len(x.words) {
		return false
	}
	for k, kw := range rest {
		w := x.words[i+1+k]
		if !wordIs(x.b[w[0]:w[1]], kw) {
			return false
		}
	}
	return true
}

// isStreet reports whether word i of x ends a street name ("Church Street", "Park Road"), so that
// the keyword before it names a street, not what the place is.
func (x *text) isStreet(i int) bool {
	if i >= len(x.words) {
		return false
	}
	w := x.words[i]
	switch string(x.b[w[0]:w[1]]) {
	case "street", "st", "road", "rd", "lane", "ln", "avenue", "ave", "close", "way", "drive", "place",
		"terrace", "crescent", "grove", "walk", "row", "square", "hill", "mews", "parade", "boulevard", "wynd":
		return true
	}
	return false
}

// wordIs reports whether word is kw, kw+"s" or kw+"es".
func wordIs(word []byte, kw string) bool {
	if len(word) < len(kw) || string(word[:len(kw)]) != kw {
		return false
	}
	rest := word[len(kw):]
	return len(rest) == 0 || string(rest) == "s" || string(rest) == "es"
}
