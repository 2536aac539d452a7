package textio

import (
	"bytes"
	"unicode/utf8"
)

// SniffSeparator tells the field separator of CSV text (UTF-8) from its first lines: of ',',
// ';', tab, '|' and '¬', the one that splits the first line (outside quotes) into the same number
// of fields, more than one, in the most of the following lines, the first line's count breaking
// ties. A file none of them splits is read as comma-separated (one column).
func SniffSeparator(head []byte) rune {
	lines := sampleLines(head, 20)
	if len(lines) == 0 {
		return ','
	}
	best, bestAgree, bestCount := ',', -1, 0
	for _, sep := range []rune{',', ';', '\t', '|', '¬'} { // the order breaks ties
		n := countOutsideQuotes(lines[0], sep)
		if n == 0 {
			continue
		}
		agree := 0
		for _, l := range lines[1:] {
			if countOutsideQuotes(l, sep) == n {
				agree++
			}
		}
		if agree > bestAgree || agree == bestAgree && n > bestCount {
			best, bestAgree, bestCount = sep, agree, n
		}
	}
	return best
}

// sampleLines returns up to max non-blank lines of head, leaving out a last line the sample
// cuts (unless it is the only one). Quoted line breaks split a record here; the counts of the
// other lines still agree.
func sampleLines(head []byte, max int) [][]byte {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	var out [][]byte
	for len(head) > 0 && len(out) < max {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			if len(out) == 0 {
				out = append(out, head)
			}
			break
		}
		if l := bytes.TrimRight(head[:i], "\r"); len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
		head = head[i+1:]
	}
	return out
}

// countOutsideQuotes counts sep in line outside double-quoted fields.
func countOutsideQuotes(line []byte, sep rune) int {
	n, quoted := 0, false
	for len(line) > 0 {
		r, size := utf8.DecodeRune(line)
		line = line[size:]
		switch {
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			n++
		}
	}
	return n
}
