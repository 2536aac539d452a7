package tabular

import (
	"archive/zip"
	"compress/gzip"
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spatlas/spatlas/internal/textio"
)

// Spot checks of Code-Point Open 2025-10: its eastings and northings, and the WGS84 position
// PROJ gives them (EPSG:27700 to EPSG:4326 with the default Helmert transformation).
var bngChecks = []struct {
	postcode       string
	e, n, lat, lon float64
}{
	{"BS1 4DJ", 358622, 172697, 51.451735, -2.596862},
	{"KW1 4AA", 336230, 951308, 58.445390, -3.094151},
	{"M1 1AE", 384756, 398553, 53.483471, -2.231184},
	{"NR1 1AA", 624073, 308352, 52.626650, 1.309339},
	{"SW1A 1AA", 529090, 179645, 51.501009, -0.141588},
	{"TD15 1AA", 400009, 652862, 55.769098, -2.001425},
	{"TR18 4AA", 147604, 30040, 50.116661, -5.531972},
	{"TS1 1AA", 448907, 520333, 54.575852, -1.244942},
	{"ZE1 0AA", 447759, 1141280, 60.153222, -1.141595},
}

// near reports whether two positions are within 2e-6 degrees (about 0.2 m) of each other: the
// rounding of six decimals, and float32 eastings.
func near(lon, lat, wantLon, wantLat float64) bool {
	return math.Abs(lon-wantLon) < 2e-6 && math.Abs(lat-wantLat) < 2e-6
}

func TestBNGToWGS84(t *testing.T) {
	for _, tt := range bngChecks {
		t.Run(tt.postcode, func(t *testing.T) {
			lon, lat := bngToWGS84(tt.e, tt.n)
			if !near(lon, lat, tt.lon, tt.lat) {
				t.Errorf("bngToWGS84(%g, %g) = %.7f, %.7f, want %.6f, %.6f", tt.e, tt.n, lon, lat, tt.lon, tt.lat)
			}
		})
	}
}

func TestSniffPostcodeLayout(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want postcodeLayout
	}{
		{"pcds,doterm,lat,long", true, postcodeLayout{}},
		{`"pcd","pcd2","lat","long"`, true, postcodeLayout{}},
		{"Postcode,Positional_quality_indicator,Eastings,Northings,Country_code", true,
			postcodeLayout{bng: true, header: true, pc: 0, e: 2, n: 3, minColumns: 4}},
		{"Northing,Easting,postcode", true, postcodeLayout{bng: true, header: true, pc: 2, e: 1, n: 0, minColumns: 3}},
		{`"AB101AB",10,394251,806376,"S92000003","","S08000020","","S12000033","S13002842"`, true,
			postcodeLayout{bng: true, pc: 0, e: 2, n: 3, minColumns: 4}},
		{"M1 1AE,10,384756,398553", true, postcodeLayout{bng: true, pc: 0, e: 2, n: 3, minColumns: 4}},
		{"M1 1AE,10,384756.5,398553", false, postcodeLayout{}},
		{"M1 1AE,10,384756", false, postcodeLayout{}},
		{"name,lat,long", false, postcodeLayout{}},
		{"PC,PQ,EA,NO,CY", false, postcodeLayout{}},
		{"", false, postcodeLayout{}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, ok := sniffPostcodeLayout(splitLine([]byte(tt.line), nil))
			if ok != tt.ok || got != tt.want {
				t.Errorf("sniffPostcodeLayout = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSplitFields(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`"M1 1AE",10,384756`, []string{"M1 1AE", "10", "384756"}},
		{`a,,"" , b `, []string{"a", "", "", "b"}},
		{"", []string{""}},
		{`"`, []string{`"`}},
	}
	for _, tt := range tests {
		if got := splitLine([]byte(tt.in), nil); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseWhole(t *testing.T) {
	tests := []struct {
		in   string
		want int32
		ok   bool
	}{
		{"0", 0, true}, {"1141280", 1141280, true}, {"-12", -12, true},
		{"", 0, false}, {"-", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {"1234567890", 0, false},
	}
	for _, tt := range tests {
		if got, ok := parseWhole([]byte(tt.in)); got != tt.want || ok != tt.ok {
			t.Errorf("parseWhole(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// wantCodePointSample checks the lookup read from testdata/codepoint.
func wantCodePointSample(t *testing.T, pc *PostcodeTable) {
	t.Helper()
	if pc.Len() != 4 || pc.NoLocation() != 1 || pc.Invalid() != 0 {
		t.Errorf("Len %d, NoLocation %d, Invalid %d; want 4, 1, 0", pc.Len(), pc.NoLocation(), pc.Invalid())
	}
	for _, c := range bngChecks {
		lon, lat, ok := pc.Lookup(strings.ToLower(strings.ReplaceAll(c.postcode, " ", "")))
		switch c.postcode {
		case "M1 1AE", "NR1 1AA", "SW1A 1AA":
			if !ok || !near(lon, lat, c.lon, c.lat) {
				t.Errorf("Lookup(%s) = %g, %g, %v; want %g, %g", c.postcode, lon, lat, ok, c.lon, c.lat)
			}
		default:
			if ok {
				t.Errorf("Lookup(%s) found %g, %g; want not found", c.postcode, lon, lat)
			}
		}
	}
	if _, _, ok := pc.Lookup("M99 9ZZ"); ok {
		t.Error("M99 9ZZ, at (0, 0), was found")
	}
}

func TestLoadPostcodesCodePoint(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "codepo_gb.zip")
	writeZip(t, archive, "testdata/codepoint")
	gz := filepath.Join(dir, "m.csv.gz")
	writeGzip(t, gz, "testdata/codepoint/Data/CSV/m.csv")
	for _, path := range []string{"testdata/codepoint", archive} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			pc, key, err := LoadPostcodes(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(key) != 64 {
				t.Errorf("key %q", key)
			}
			wantCodePointSample(t, pc)
		})
	}
	t.Run("gzip", func(t *testing.T) {
		pc, key, err := LoadPostcodes(gz)
		if err != nil {
			t.Fatal(err)
		}
		if sum, _, _ := textio.Checksum(gz); key != sum {
			t.Errorf("key %s, want the file's checksum %s", key, sum)
		}
		if pc.Len() != 2 || pc.NoLocation() != 1 {
			t.Errorf("Len %d, NoLocation %d; want 2, 1", pc.Len(), pc.NoLocation())
		}
	})
}

func TestReadPostcodesCodePointHeader(t *testing.T) {
	pc := mustReadPostcodes(t, "testdata/postcodes_codepoint_header.csv")
	if pc.Len() != 2 || pc.NoLocation() != 1 || pc.Invalid() != 1 {
		t.Errorf("Len %d, NoLocation %d, Invalid %d; want 2, 1, 1", pc.Len(), pc.NoLocation(), pc.Invalid())
	}
	for _, c := range bngChecks {
		if c.postcode != "BS1 4DJ" && c.postcode != "TS1 1AA" {
			continue
		}
		// TS1 1AA is listed twice: the first wins.
		if lon, lat, ok := pc.Lookup(c.postcode); !ok || !near(lon, lat, c.lon, c.lat) {
			t.Errorf("Lookup(%s) = %g, %g, %v; want %g, %g", c.postcode, lon, lat, ok, c.lon, c.lat)
		}
	}
}

func TestLoadPostcodesErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "none.csv"), "no such file or folder"},
		{"empty folder", filepath.Dir(write("empty/readme.txt", "x")), "the folder has no .csv"},
		{"bad easting", write("bad/a.csv", "M1 1AE,10,384756,398553\nM1 1AF,10,3847x6,398553\n"),
			`a.csv:2: eastings "3847x6" and northings "398553" must be whole numbers`},
		{"short record", write("short/a.csv", "M1 1AE,10,384756,398553\nM1 1AF,10\n"), "a.csv:2: the record has 2 fields, want at least 4"},
		{"mixed", filepath.Dir(write("mixed/b.csv", "pcds,lat,long\nM1 1AE,53,-2\n")), "b.csv: the file gives postcodes in other coordinates"},
		{"not a zip", write("x.zip", "PK"), "not a valid zip archive"},
	}
	write("mixed/a.csv", "M1 1AE,10,384756,398553\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LoadPostcodes(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func writeZip(tb testing.TB, path, dir string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
}

func writeGzip(tb testing.TB, path, src string) {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestLoadPostcodesReal reads the whole of Code-Point Open from SPATLAS_DATA: every postcode
// with coordinates, within 10 s of processor time, each within 2e-6 degrees of the position the file's own
// lat_wgs84 and long_wgs84 columns (PROJ) give it.
func TestLoadPostcodesReal(t *testing.T) {
	dataDir := os.Getenv("SPATLAS_DATA")
	if dataDir == "" {
		t.Skip("SPATLAS_DATA is not set")
	}
	dirs, _ := filepath.Glob(filepath.Join(dataDir, "codepoint-open-*"))
	if len(dirs) == 0 {
		t.Skip("no codepoint-open-* folder in SPATLAS_DATA")
	}
	dir := dirs[len(dirs)-1]
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start, cpu := time.Now(), cpuTime(t)
	pc, _, err := LoadPostcodes(dir)
	took, tookCPU := time.Since(start), cpuTime(t)-cpu
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("%d postcodes (%d without coordinates, %d invalid) in %v (%v of processor time); %.1f MB held",
		pc.Len(), pc.NoLocation(), pc.Invalid(), took, tookCPU, float64(after.HeapAlloc-before.HeapAlloc)/1e6)
	// Processor time, not the time on the clock, which a busy machine stretches.
	if tookCPU > 10*time.Second {
		t.Errorf("took %v of processor time, want under 10 s", tookCPU)
	}
	if pc.Len() < 1_700_000 {
		t.Errorf("%d postcodes, want the 1.7 million of Code-Point Open", pc.Len())
	}
	checkAgainstWGS84Columns(t, pc, dir)
}

// checkAgainstWGS84Columns compares every 97th located row of the Code-Point files in dir that
// carry lat_wgs84 and long_wgs84 columns with the lookup.
func checkAgainstWGS84Columns(t *testing.T, pc *PostcodeTable, dir string) {
	files, _ := postcodeFiles(dir)
	compared := 0
	for _, f := range files {
		r, err := textio.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(r)
		head, _ := cr.Read()
		ipc, ilat, ilon := -1, -1, -1
		for i, h := range head {
			switch textio.HeaderKey(h) {
			case "postcode":
				ipc = i
			case "lat_wgs84":
				ilat = i
			case "long_wgs84":
				ilon = i
			}
		}
		for n := 0; ipc >= 0 && ilat >= 0 && ilon >= 0; n++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if n%97 != 0 || rec[ilat] == "" {
				continue
			}
			wantLat, _ := strconv.ParseFloat(rec[ilat], 64)
			wantLon, _ := strconv.ParseFloat(rec[ilon], 64)
			lon, lat, ok := pc.Lookup(rec[ipc])
			if compared++; !ok || !near(lon, lat, wantLon, wantLat) {
				t.Fatalf("%s: Lookup(%s) = %.7f, %.7f, %v; the file says %s, %s", f, rec[ipc], lon, lat, ok, rec[ilon], rec[ilat])
			}
		}
		r.Close()
	}
	t.Logf("%d postcodes agree with the file's WGS84 columns", compared)
}

// cpuTime returns the processor time the process has used so far, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
