package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	full := map[string]string{"SPATLAS_DATA": "/data", "SPATLAS_BENCH_DATABASE_URL": "postgres://u@h/db"}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr string
	}{
		{name: "defaults", env: full,
			want: config{dataDir: "/data", dbURL: "postgres://u@h/db", rounds: 5, duration: 10 * time.Second, assets: 1_000_000}},
		{name: "flags", args: []string{"-rounds", "3", "-duration", "5s", "-only", "items"}, env: full,
			want: config{dataDir: "/data", dbURL: "postgres://u@h/db", rounds: 3, duration: 5 * time.Second, only: []string{"items"}, assets: 1_000_000}},
		{name: "DATABASE_URL when the bench URL is unset",
			env:  map[string]string{"SPATLAS_DATA": "/data", "DATABASE_URL": "postgres://other/db"},
			want: config{dataDir: "/data", dbURL: "postgres://other/db", rounds: 5, duration: 10 * time.Second, assets: 1_000_000}},
		{name: "no data directory", env: map[string]string{"SPATLAS_BENCH_DATABASE_URL": "postgres://u@h/db"},
			wantErr: "SPATLAS_DATA is not set"},
		{name: "no database", env: map[string]string{"SPATLAS_DATA": "/data"}, wantErr: "SPATLAS_BENCH_DATABASE_URL"},
		{name: "zero rounds", args: []string{"-rounds", "0"}, env: full, wantErr: "-rounds 0"},
		{name: "fractional duration", args: []string{"-duration", "1500ms"}, env: full, wantErr: "whole number of seconds"},
		{name: "a list", args: []string{"-only", "boundaries,build"}, env: full,
			want: config{dataDir: "/data", dbURL: "postgres://u@h/db", rounds: 5, duration: 10 * time.Second, only: []string{"boundaries", "build"}, assets: 1_000_000}},
		{name: "unknown benchmark", args: []string{"-only", "tiles"}, env: full, wantErr: `-only "tiles"`},
		{name: "unknown benchmark in a list", args: []string{"-only", "items,tiles"}, env: full, wantErr: `-only "items,tiles"`},
		{name: "stray argument", args: []string{"items"}, env: full, wantErr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, envOf(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRunWithoutDataFailsBeforeConnecting(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), nil, envOf(map[string]string{"SPATLAS_BENCH_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SPATLAS_DATA is not set") {
		t.Fatalf("err = %v, want the SPATLAS_DATA message", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{5, 1, 9, 3, 7}, 5},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"outlier does not move it", []float64{1, 1.1, 100}, 1.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.xs...)
			if got := median(tt.xs); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.xs[i] {
					t.Fatalf("median reordered its input: %v", tt.xs)
				}
			}
		})
	}
	if got := medianDuration([]time.Duration{3 * time.Second, time.Second, 2 * time.Second}); got != 2*time.Second {
		t.Errorf("medianDuration = %s, want 2s", got)
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{"small", 225, "225"},
		{"four digits", 1000, "1,000"},
		{"LSOAs", 32844, "32,844"},
		{"millions", 1234567, "1,234,567"},
		{"negative", -32844, "-32,844"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := thousands(tt.n); got != tt.want {
				t.Errorf("thousands(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestHotRounds(t *testing.T) {
	tests := []struct {
		name   string
		rounds int
		d      time.Duration
		want   int
	}{
		{"defaults fit three rounds in a minute", 5, 10 * time.Second, 3},
		{"short runs keep the asked rounds", 5, 5 * time.Second, 5},
		{"fewer asked than fit", 2, time.Second, 2},
		{"long runs still get one", 5, 2 * time.Minute, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hotRounds(tt.rounds, tt.d); got != tt.want {
				t.Errorf("hotRounds(%d, %s) = %d, want %d", tt.rounds, tt.d, got, tt.want)
			}
		})
	}
}

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		text     string
		want     wrkResult
		wantErr  string
		fromFile bool
	}{
		{name: "report", file: "wrk.txt", want: wrkResult{rps: 21518.38, p50: 258 * time.Microsecond, p99: 8880 * time.Microsecond}},
		{name: "error responses fail", file: "wrk_non2xx.txt", wantErr: "Non-2xx or 3xx responses: 28724"},
		{name: "socket errors counted", text: "  Socket errors: connect 1, read 2, write 0, timeout 12\nRequests/sec:  10.00\n",
			want: wrkResult{rps: 10, socketErrors: 15}},
		{name: "socket errors unreadable", text: "  Socket errors: connect one\nRequests/sec:  10.00\n", wantErr: "Socket errors"},
		{name: "no requests per second", text: "unable to connect to 127.0.0.1:1 Connection refused\n", wantErr: "no Requests/sec"},
		{name: "bad latency", text: "     50%  fast\nRequests/sec: 1\n", wantErr: "latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.text
			if tt.file != "" {
				b, err := os.ReadFile(filepath.Join("testdata", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				text = string(b)
			}
			got, err := parseWrk(text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseWrk = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOGRLoadConnection(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		wantConn     string
		wantPassword string
	}{
		{name: "unix socket directory", url: "postgres://spatlas@/spatlas_bench?host=/srv/pg/run&port=5432",
			wantConn: "PG:host=/srv/pg/run port=5432 dbname=spatlas_bench user=spatlas"},
		{name: "password kept off the command line", url: "postgres://u:s3cret@127.0.0.1:5433/db",
			wantConn: "PG:host=127.0.0.1 port=5433 dbname=db user=u", wantPassword: "s3cret"},
		{name: "values with spaces and quotes are quoted", url: "host='/tmp/my pg' port=5432 dbname=o'db user=u",
			wantConn: `PG:host='/tmp/my pg' port=5432 dbname='o\'db' user=u`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := newOGRLoad(tt.url, "merged.geojson")
			if err != nil {
				t.Fatal(err)
			}
			if o.args[2] != tt.wantConn {
				t.Errorf("connection = %q, want %q", o.args[2], tt.wantConn)
			}
			if o.password != tt.wantPassword {
				t.Errorf("password = %q, want %q", o.password, tt.wantPassword)
			}
			if strings.Contains(o.display(), "s3cret") {
				t.Errorf("display shows the password: %s", o.display())
			}
		})
	}
	if _, err := newOGRLoad("postgres://u@h:notaport/db", "f"); err == nil {
		t.Error("a bad URL was accepted")
	}
}

func TestConninfoValueRoundTrips(t *testing.T) {
	tests := []struct {
		name, value string
	}{
		{"plain", "spatlas_bench"},
		{"space", "my db"},
		{"quote", "o'db"},
		{"backslash", `a\b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pgx.ParseConfig("host=/tmp port=5432 user=u dbname=" + conninfoValue(tt.value))
			if err != nil {
				t.Fatal(err)
			}
			if c.Database != tt.value {
				t.Errorf("dbname = %q, want %q", c.Database, tt.value)
			}
		})
	}
}

// writeFile writes content to dir/name, gzipped when name ends in .gz.
func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	var b bytes.Buffer
	if strings.HasSuffix(name, ".gz") {
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write([]byte(content)); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
	} else {
		b.WriteString(content)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

const crs84 = `"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } }`

func collection(crs string, codes ...string) string {
	var fs []string
	for _, c := range codes {
		fs = append(fs, `{ "type": "Feature", "properties": { "LSOA11CD": "`+c+`" }, "geometry": { "type": "Polygon", "coordinates": [ [ [0,0],[1,0],[1,1],[0,0] ] ] } }`)
	}
	head := `{"type": "FeatureCollection",`
	if crs != "" {
		head += crs + ","
	}
	return head + "\n\"features\": [\n" + strings.Join(fs, ",\n") + "\n]\n}\n"
}

func TestMergeFeatures(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		wantCodes []string
		wantCRS   bool
		wantErr   string
	}{
		{name: "gzipped and plain files, crs kept",
			files: map[string]string{
				"a.json.gz": collection(crs84, "E01000001", "E01000002"),
				"b.json":    collection(`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}`, "E01000003"),
			},
			wantCodes: []string{"E01000001", "E01000002", "E01000003"}, wantCRS: true},
		{name: "no crs member",
			files:     map[string]string{"a.json": collection("", "E01000001")},
			wantCodes: []string{"E01000001"}},
		{name: "files with different crs",
			files: map[string]string{
				"a.json": collection(crs84, "E01000001"),
				"b.json": collection(`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}}`, "E01000002"),
			},
			wantErr: "b.json: crs"},
		{name: "truncated file named",
			files: map[string]string{
				"a.json":    collection(crs84, "E01000001"),
				"b.json.gz": collection(crs84, "E01000002")[:60],
			},
			wantErr: "b.json.gz"},
		{name: "not a feature collection",
			files:   map[string]string{"a.json": `{"type":"Feature"}`},
			wantErr: `a.json: type "Feature"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for _, name := range []string{"a.json", "a.json.gz", "b.json", "b.json.gz"} {
				if c, ok := tt.files[name]; ok {
					paths = append(paths, writeFile(t, dir, name, c))
				}
			}
			dst := filepath.Join(dir, "merged.geojson")
			n, err := mergeFeatures(paths, dst)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Type     string          `json:"type"`
				CRS      json.RawMessage `json:"crs"`
				Features []struct {
					Properties struct {
						Code string `json:"LSOA11CD"`
					} `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatalf("merged file is not JSON: %v\n%s", err, b)
			}
			if fc.Type != "FeatureCollection" {
				t.Errorf("type = %q", fc.Type)
			}
			if got := len(fc.CRS) > 0; got != tt.wantCRS {
				t.Errorf("crs present = %v, want %v", got, tt.wantCRS)
			}
			if int(n) != len(tt.wantCodes) || len(fc.Features) != len(tt.wantCodes) {
				t.Fatalf("merged %d (returned %d) features, want %d", len(fc.Features), n, len(tt.wantCodes))
			}
			for i, f := range fc.Features {
				if f.Properties.Code != tt.wantCodes[i] {
					t.Errorf("feature %d = %s, want %s", i, f.Properties.Code, tt.wantCodes[i])
				}
			}
		})
	}
	if _, err := mergeFeatures(nil, filepath.Join(t.TempDir(), "x")); err == nil {
		t.Error("merging no files succeeded")
	}
}
