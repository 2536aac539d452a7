package tabular

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

var _ spatlas.Postcodes = (*PostcodeTable)(nil)

func mustReadPostcodes(tb testing.TB, path string) *PostcodeTable {
	tb.Helper()
	rc, err := textio.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	pc, err := ReadPostcodes(path, rc)
	if err != nil {
		tb.Fatalf("ReadPostcodes(%s): %v", path, err)
	}
	return pc
}

func TestReadPostcodes(t *testing.T) {
	tests := []struct {
		file                   string
		n, noLocation, invalid int
		present, absent        []string
	}{
		{file: "testdata/postcodes_nspl.csv", n: 4, noLocation: 1, invalid: 0,
			present: []string{"M1 1AE", "m11ae", " M1  1AE ", "IG117NB", "ig11 7nb", "EH1 1YZ", "W1A 1AA"},
			absent:  []string{"GY1 1AA", "ZZ9 9ZZ", "M1", "", "M1 1AE X", "M1-1AE"}},
		{file: "testdata/postcodes_onspd.csv", n: 3, noLocation: 2, invalid: 1,
			present: []string{"M1 1AE", "IG11 7NB", "SW1A 1AA", "sw1a1aa"},
			absent:  []string{"GY1 1AA", "BT1 1AA", "XX"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pc := mustReadPostcodes(t, tt.file)
			if pc.Len() != tt.n || pc.NoLocation() != tt.noLocation || pc.Invalid() != tt.invalid {
				t.Errorf("Len %d, NoLocation %d, Invalid %d; want %d, %d, %d",
					pc.Len(), pc.NoLocation(), pc.Invalid(), tt.n, tt.noLocation, tt.invalid)
			}
			for _, p := range tt.present {
				if _, _, ok := pc.Lookup(p); !ok {
					t.Errorf("Lookup(%q) found nothing", p)
				}
			}
			for _, p := range tt.absent {
				if lon, lat, ok := pc.Lookup(p); ok {
					t.Errorf("Lookup(%q) = %g, %g, want not found", p, lon, lat)
				}
			}
			lon, lat, _ := pc.Lookup("M1 1AE") // the NSPL file repeats M1 1AE at (1, 1): the first wins
			if d := lon + 2.2426; d > 1e-5 || d < -1e-5 || lat < 53.48079 || lat > 53.48081 {
				t.Errorf("M1 1AE at %g, %g, want -2.2426, 53.4808", lon, lat)
			}
		})
	}
}

func TestReadPostcodesErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"not a lookup", "name,lat,long\nx,1,2\n", "pc.csv:1: not a postcode lookup"},
		{"no longitude", "pcds,lat\nM1 1AE,53\n", "pc.csv:1: not a postcode lookup"},
		{"bad number", "pcds,lat,long\nM1 1AE,53,west\n", `pc.csv:2: column "long": "west" is not a number`},
		{"empty", "", "pc.csv: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPostcodes("pc.csv", strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFormatPostcode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"IG117NB", "IG11 7NB"},
		{"m11ae", "M1 1AE"},
		{"SW1A  1AA", "SW1A 1AA"},
		{"M1 1AE", "M1 1AE"},
		{"wa15 ohf", "WA15 0HF"},
		{"not a postcode", "not a postcode"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := formatPostcode(tt.in); got != tt.want {
				t.Errorf("formatPostcode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// postcodesFromGeoJSON builds a postcode lookup in the NSPL layout from the first n features of a
// GeoJSON file of points with a Postcode property.
func postcodesFromGeoJSON(tb testing.TB, path string, n int) *PostcodeTable {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Postcode string }       `json:"properties"`
			Geometry   struct{ Coordinates []float64 } `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		tb.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("pcd,pcds,lat,long\n")
	for _, f := range fc.Features[:min(n, len(fc.Features))] {
		if c := f.Geometry.Coordinates; len(c) == 2 && f.Properties.Postcode != "" {
			fmt.Fprintf(&csv, "%q,%q,%f,%f\n", f.Properties.Postcode, f.Properties.Postcode, c[1], c[0])
		}
	}
	pc, err := ReadPostcodes(path, strings.NewReader(csv.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return pc
}

// BenchmarkPostcodeLookup looks postcodes up in a table of 100,000.
func BenchmarkPostcodeLookup(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("pcds,lat,long\n")
	for i := range 100000 {
		fmt.Fprintf(&csv, "%s,53.%06d,-2.%06d\n", benchPostcode(i), i, i)
	}
	pc, err := ReadPostcodes("bench.csv", strings.NewReader(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	codes := make([]string, 1000)
	for i := range codes {
		codes[i] = strings.ToLower(benchPostcode(i * 97))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, ok := pc.Lookup(codes[i%len(codes)]); !ok {
			b.Fatal("not found")
		}
	}
}

// benchPostcode returns the i-th of a series of distinct postcodes, "AB0 0AA" onwards.
func benchPostcode(i int) string {
	r := i % 6760
	return fmt.Sprintf("AB%d %d%c%c", i/6760, r/676, 'A'+r%676/26, 'A'+r%26)
}
