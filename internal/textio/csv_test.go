package textio

import (
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv"
)

func TestParseWhole(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   int64
		ok     bool
		isGood bool
	}{
		{"plain", "29199", 29199, true, true},
		{"thousands", "29,199", 29199, true, true},
		{"millions", "56,489,608", 56489608, true, true},
		{"spaces around", " 175 ", 175, true, true},
		{"trailing zero fraction", "29199.0", 29199, true, true},
		{"negative", "-1,296", -1296, true, true},
		{"empty is missing", "", 0, false, true},
		{"blank is missing", "  ", 0, false, true},
		{"fraction", "1.5", 0, false, false},
		{"word", "n/a", 0, false, false},
		{"group of two", "29,19", 0, false, false},
		{"group of four", "2,9199", 0, false, false},
		{"leading separator", ",199", 0, false, false},
		{"double separator", "1,,199", 0, false, false},
		{"separator then fraction", "1,296.5", 0, false, false},
		{"exponent", "1e3", 1000, true, true},
		{"too large", "1e300", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok, good := parseWhole(tt.in)
			if v != tt.want || ok != tt.ok || good != tt.isGood {
				t.Errorf("parseWhole(%q) = %d, %v, %v; want %d, %v, %v", tt.in, v, ok, good, tt.want, tt.ok, tt.isGood)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   float64
		ok     bool
		isGood bool
	}{
		{"score", "6.208", 6.208, true, true},
		{"negative", "-1.771", -1.771, true, true},
		{"float noise", "0.7000000000000001", 0.7000000000000001, true, true},
		{"integer", "12", 12, true, true},
		{"thousands", "1,234.5", 1234.5, true, true},
		{"empty is missing", "", 0, false, true},
		{"word", "high", 0, false, false},
		{"NaN", "NaN", 0, false, false},
		{"infinity", "Inf", 0, false, false},
		{"bad separators", "12,34.5", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok, good := parseDecimal(tt.in)
			if v != tt.want || ok != tt.ok || good != tt.isGood {
				t.Errorf("parseDecimal(%q) = %v, %v, %v; want %v, %v, %v", tt.in, v, ok, good, tt.want, tt.ok, tt.isGood)
			}
		})
	}
}

func TestLineEndReader(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"LF", "a,b\nc,d\n", "a,b\nc,d\n"},
		{"CRLF", "a,b\r\nc,d\r\n", "a,b\nc,d\n"},
		{"CR CR LF", "a,b\r\r\nc,d\r\r\n", "a,b\nc,d\n"},
		{"lone CR kept", "a\rb\n", "a\rb\n"},
		{"CR at the end kept", "a,b\r", "a,b\r"},
		{"CRs before a non-LF kept", "a\r\rb\r\n", "a\r\rb\n"},
		{"no final newline", "a,b\r\nc,d", "a,b\nc,d"},
	}
	for _, tt := range tests {
		for _, wrap := range []struct {
			name string
			fn   func(io.Reader) io.Reader
		}{{"whole", func(r io.Reader) io.Reader { return r }}, {"one byte", iotest.OneByteReader}, {"half", iotest.HalfReader}} {
			t.Run(tt.name+"/"+wrap.name, func(t *testing.T) {
				got, err := io.ReadAll(&lineEndReader{r: wrap.fn(strings.NewReader(tt.in))})
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	}
	t.Run("small reads", func(t *testing.T) {
		if err := iotest.TestReader(&lineEndReader{r: strings.NewReader("x\r\r\ny\rz\r\n")}, []byte("x\ny\rz\n")); err != nil {
			t.Error(err)
		}
	})
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		header []string
		recs   [][]string
		lines  []int
	}{
		{
			name:   "BOM, CRLF, no final newline, quoted thousands",
			in:     "\uFEFFLSOA code (2011), Rank \r\nE01000001,\"29,199\"\r\nE01000002,\"30,379\"",
			header: []string{"LSOA code (2011)", "Rank"},
			recs:   [][]string{{"E01000001", "29,199"}, {"E01000002", "30,379"}},
			lines:  []int{2, 3},
		},
		{
			name:   "CR CR LF after a quoted last field",
			in:     "code,name\r\r\nE01000001,\"City of London 001A\"\r\r\nE01000002,\"Bristol, City of\"\r\r\n",
			header: []string{"code", "name"},
			recs:   [][]string{{"E01000001", "City of London 001A"}, {"E01000002", "Bristol, City of"}},
			lines:  []int{2, 3},
		},
		{
			name:   "quoted header with a line break, blank lines skipped",
			in:     "\"code\",\"Education,\nSkills\"\n\nE01000001,1\n\nE01000002,2\n",
			header: []string{"code", "Education,\nSkills"},
			recs:   [][]string{{"E01000001", "1"}, {"E01000002", "2"}},
			lines:  []int{4, 6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCSVReader("t.csv", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.header, tt.header) {
				t.Errorf("header = %q, want %q", c.header, tt.header)
			}
			var recs [][]string
			var lines []int
			for {
				more, err := c.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !more {
					break
				}
				recs = append(recs, slices.Clone(c.Record()))
				lines = append(lines, c.Line())
			}
			if !slices.EqualFunc(recs, tt.recs, slices.Equal) {
				t.Errorf("records = %q, want %q", recs, tt.recs)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
		})
	}
}

func TestCSVReaderColumns(t *testing.T) {
	c, err := NewCSVReader("t.csv", strings.NewReader(" LSOA21_Code ,Education,\nE01000001,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Column("lsoa21_code"); got != 0 {
		t.Errorf("Column(lsoa21_code) = %d, want 0 (trimmed, case folded)", got)
	}
	if got := c.Column("EDUCATION"); got != 1 {
		t.Errorf("Column(EDUCATION) = %d, want 1", got)
	}
	_, err = c.Columns("lsoa21_code", "icb24_code")
	testenv.ErrorMentions(t, err, spatlas.EINVALID, "t.csv:1:", `missing column "icb24_code"`, `"LSOA21_Code"`)
}

func TestCSVReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"t.csv: the file is empty"}},
		{"BOM and blank lines only", "\uFEFF\r\n\r\n", []string{"t.csv: the file is empty"}},
		{"gzip", "\x1f\x8b\x08\x00", []string{"t.csv: the file is gzip-compressed"}},
		{"ragged", "a,b\n1,2\n3\n", []string{"t.csv:3:", "different number of fields", "header's 2"}},
		{"bare quote", "a,b\n1,2\n3,x\"y\"\n", []string{"t.csv:3:", "not valid CSV"}},
		{"unterminated quote", "a,b\n1,\"2\n3,4\n", []string{"t.csv:", "not valid CSV"}},
		{"not a whole number", "a,b\n1,2\n3,4.5\n", []string{"t.csv:3:", `column "b": "4.5" is not a whole number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readAllInts("t.csv", tt.in)
			testenv.ErrorMentions(t, err, spatlas.EINVALID, tt.want...)
		})
	}
}

// readAllInts reads a CSV and parses every field as a whole number.
func readAllInts(name, in string) error {
	c, err := NewCSVReader(name, strings.NewReader(in))
	if err != nil {
		return err
	}
	for {
		more, err := c.Next()
		if err != nil || !more {
			return err
		}
		for i := range c.Record() {
			if _, _, err := c.Int(i); err != nil {
				return err
			}
		}
	}
}

func TestBlankRecord(t *testing.T) {
	tests := []struct {
		name string
		rec  []string
		want bool
	}{
		{"no fields", nil, true},
		{"empty fields", []string{"", ""}, true},
		{"white space only", []string{" ", "\t"}, true},
		{"a value", []string{"", "E01000001"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BlankRecord(tt.rec); got != tt.want {
				t.Errorf("BlankRecord(%q) = %v, want %v", tt.rec, got, tt.want)
			}
		})
	}
}
