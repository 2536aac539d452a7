package textio

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	const text = "name,town\nCafé Crème,Norwich\n"
	tests := []struct {
		name, enc string
		in        []byte
		want      string // the encoding read
	}{
		{"UTF-8", "", []byte(text), UTF8},
		{"UTF-8 with a byte order mark", "", append([]byte("\xef\xbb\xbf"), text...), UTF8},
		{"UTF-16 LE with a byte order mark", "", append([]byte("\xff\xfe"), utf16Bytes(text, false)...), UTF16LE},
		{"UTF-16 BE with a byte order mark", "", append([]byte("\xfe\xff"), utf16Bytes(text, true)...), UTF16BE},
		{"UTF-16 LE without a byte order mark", "", utf16Bytes(text, false), UTF16LE},
		{"Windows-1252", "", []byte("name,town\nCaf\xe9 Cr\xe8me,Norwich\n"), Windows1252},
		{"Latin-1 named", "latin1", []byte("name,town\nCaf\xe9 Cr\xe8me,Norwich\n"), "iso-8859-1"},
		{"Windows-1252 named", "cp1252", []byte("name,town\nCaf\xe9 Cr\xe8me,Norwich\n"), Windows1252},
		{"UTF-8 named", "UTF-8", []byte(text), UTF8},
		{"a WHATWG label", "iso-8859-15", []byte("name,town\nCaf\xe9 Cr\xe8me,Norwich\n"), "iso-8859-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := Decode("f.csv", bytes.NewReader(tt.in), tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.want || string(got) != text {
				t.Errorf("read %q as %s, want %q as %s", got, enc, text, tt.want)
			}
		})
	}
}

func TestDecodeUnknownEncoding(t *testing.T) {
	_, _, err := Decode("f.csv", strings.NewReader("x"), "klingon")
	if spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), `f.csv: unknown encoding "klingon"`) {
		t.Errorf("err = %v", err)
	}
}

// TestDecodeNotText finds the byte that is not UTF-8 past the part the encoding is told from,
// and names its line and column.
func TestDecodeNotText(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("name,town\n")
	for b.Len() < 3*detectSize {
		b.WriteString("Crème brûlée club,Norwich\n") // valid UTF-8, several bytes a character
	}
	line := bytes.Count(b.Bytes(), []byte{'\n'}) + 1
	b.WriteString("Caf\xe9,Norwich\n")
	r, enc, err := Decode("f.csv", &b, "")
	if err != nil || enc != UTF8 {
		t.Fatalf("Decode: %s, %v", enc, err)
	}
	// Read in small pieces, as bufio does when its buffer is nearly full.
	var p [7]byte
	for err == nil {
		_, err = r.Read(p[:])
	}
	want := "f.csv:" + strconv.Itoa(line) + ":4: byte 0xe9 is not UTF-8 text"
	if spatlas.ErrorCode(err) != spatlas.EINVALID || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "-encoding") {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestDecodeCutAtTheEnd(t *testing.T) {
	r, _, err := Decode("f.csv", strings.NewReader("name\nCaf\xc3"), "utf-8")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(r)
	if err == nil || !strings.Contains(err.Error(), "f.csv:2:4: byte 0xc3") {
		t.Errorf("err = %v", err)
	}
}

func TestSniffSeparator(t *testing.T) {
	tests := []struct {
		name, head string
		want       rune
	}{
		{"comma", "name,lat,lon\na,1,2\n", ','},
		{"semicolon", "name;lat;lon\na;52,1;1,2\nb;52,2;1,3\n", ';'},
		{"tab", "name\tlat\tlon\na, b\t1\t2\n", '\t'},
		{"pipe", "name|lat|lon\na|1|2\n", '|'},
		{"not sign", "name¬lat¬lon\na¬1¬2\n", '¬'},
		{"quoted commas", "name;address\n\"Hall, The\";\"1, High St\"\n", ';'},
		{"one column", "name\na\nb\n", ','},
		{"header only, cut", "name;lat;lon", ';'},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SniffSeparator([]byte(tt.head)); got != tt.want {
				t.Errorf("SniffSeparator = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVNoHeader(t *testing.T) {
	c, err := NewCSVReaderWith("f.csv", strings.NewReader("A1;Riverside;52.6\nA2;Castle;52.7\n"), CSVOptions{Separator: ';', NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Header(), ","); got != "1,2,3" {
		t.Errorf("header %s", got)
	}
	if c.Column("2") != 1 || c.Column("4") != -1 || c.Column("0") != -1 {
		t.Errorf("Column: 2 is %d, 4 is %d, 0 is %d", c.Column("2"), c.Column("4"), c.Column("0"))
	}
	var names []string
	var lines []int
	for {
		more, err := c.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
		names = append(names, c.Record()[1])
		lines = append(lines, c.Line())
	}
	if strings.Join(names, ",") != "Riverside,Castle" || lines[0] != 1 || lines[1] != 2 {
		t.Errorf("records %q on lines %v", names, lines)
	}
}
