package textio

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Text encodings Decode tells apart by itself.
const (
	UTF8        = "utf-8"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
	Windows1252 = "windows-1252"
)

// detectSize is how much of the start of a file Decode looks at to tell its encoding.
const detectSize = 64 << 10

// Decode returns r as UTF-8 text, and the encoding it was read in. With encoding "" (or "auto")
// the encoding is told from the start of the file: a byte order mark says UTF-8, UTF-16 LE or
// UTF-16 BE; text with a zero byte in every other place is UTF-16 without a mark; text that is
// valid UTF-8 is UTF-8; anything else is Windows-1252 (of which Latin-1 is a part), the code page
// of older spreadsheet exports. Otherwise encoding names it ("utf-8", "utf-16", "utf-16le",
// "windows-1252", "latin1", or any WHATWG encoding label). A UTF-8 byte order mark is dropped.
//
// A file read as UTF-8 is checked as it is read: a byte that is not UTF-8 is an EINVALID error
// naming the file, the line and the column (in characters), and the -encoding to pass.
func Decode(name string, r io.Reader, enc string) (io.Reader, string, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < detectSize {
		br = bufio.NewReaderSize(r, detectSize)
	}
	head, err := br.Peek(detectSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	enc = strings.ToLower(strings.TrimSpace(enc))
	if enc == "" || enc == "auto" {
		enc = DetectEncoding(head)
	}
	switch enc {
	case "utf-8", "utf8":
		if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
			br.Discard(3)
		}
		return &utf8Checker{name: name, r: br, line: 1}, UTF8, nil
	case "utf-16":
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), "utf-16", nil
	case UTF16LE, "utf16le":
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()), UTF16LE, nil
	case UTF16BE, "utf16be":
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()), UTF16BE, nil
	case Windows1252, "cp1252":
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), Windows1252, nil
	case "latin1", "latin-1", "iso-8859-1":
		return transform.NewReader(br, charmap.ISO8859_1.NewDecoder()), "iso-8859-1", nil
	}
	e, err := htmlindex.Get(enc)
	if err != nil {
		return nil, "", spatlas.Errorf(spatlas.EINVALID, "%s: unknown encoding %q (try utf-8, utf-16, utf-16le, utf-16be, windows-1252 or latin1)", name, enc)
	}
	return transform.NewReader(br, e.NewDecoder()), enc, nil
}

// DetectEncoding tells the encoding of text from its first bytes (see Decode).
func DetectEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return UTF8
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		return UTF16LE
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		return UTF16BE
	}
	if le, be := zeroBytes(head); le || be {
		if le {
			return UTF16LE
		}
		return UTF16BE
	}
	if validUTF8Prefix(head) {
		return UTF8
	}
	return Windows1252
}

// zeroBytes says whether head looks like UTF-16 text without a byte order mark: mostly ASCII,
// so that one byte of each pair is zero, at odd places (little-endian) or even ones (big-endian).
func zeroBytes(head []byte) (le, be bool) {
	n := min(len(head), 512) &^ 1
	if n < 4 {
		return false, false
	}
	var odd, even int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	return odd*10 >= pairs*9 && even == 0, even*10 >= pairs*9 && odd == 0
}

// validUTF8Prefix says whether b is valid UTF-8 but perhaps for a character cut at its end.
func validUTF8Prefix(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		b = b[n:]
	}
	return true
}

// utf8Checker passes UTF-8 text through, keeping the line and column it is at, and fails on the
// first byte that is not UTF-8.
type utf8Checker struct {
	name       string
	r          io.Reader
	buf        [32 << 10]byte
	start, end int // buf[start:end] is checked text not yet passed on
	cut        int // buf[end:end+cut] is the start of a character cut by the end of a read
	line       int // the line of the byte at end
	col        int // characters of that line before it
	err        error
}

func (u *utf8Checker) Read(p []byte) (int, error) {
	for u.start == u.end {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.buf[u.start:u.end])
	u.start += n
	return n, nil
}

// fill reads more of the file into buf and checks it.
func (u *utf8Checker) fill() {
	k := copy(u.buf[:], u.buf[u.end:u.end+u.cut])
	u.start, u.end, u.cut = 0, 0, 0
	n, err := u.r.Read(u.buf[k:])
	b := u.buf[:k+n]
	if err == nil { // keep back a character cut by the end of the read
		for c := 1; c < utf8.UTFMax && c <= len(b); c++ {
			if x := b[len(b)-c]; x < utf8.RuneSelf || utf8.RuneStart(x) {
				if x >= utf8.RuneSelf && !utf8.FullRune(b[len(b)-c:]) {
					u.cut = c
				}
				break
			}
		}
	}
	b = b[:len(b)-u.cut]
	if !utf8.Valid(b) {
		u.err = u.invalid(b)
		return
	}
	u.advance(b)
	u.end = len(b)
	if err != nil {
		u.err = err
	}
}

// advance moves the line and column past b, which is valid UTF-8.
func (u *utf8Checker) advance(b []byte) {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		u.line += bytes.Count(b, []byte{'\n'})
		u.col = 0
		b = b[i+1:]
	}
	u.col += utf8.RuneCount(b)
}

// invalid returns the error for the first byte of b that is not UTF-8.
func (u *utf8Checker) invalid(b []byte) error {
	i := 0
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	u.advance(b[:i])
	c := byte(0)
	if i < len(b) {
		c = b[i]
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s:%d:%d: byte 0x%02x is not UTF-8 text: the file changes encoding here; name it with -encoding (windows-1252, latin1, utf-16)",
		u.name, u.line, u.col+1, c)
}
