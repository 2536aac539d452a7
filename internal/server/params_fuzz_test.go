package server

import (
	"errors"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Fuzz targets of the query-parameter parsers. Each asserts that a parser never panics and that
// every error it returns is a spatlas.Error whose code the server answers with a 4xx. Seeds are
// added here; inputs the fuzzer finds failing are kept in testdata/fuzz/<Target>.
//
//	go test -run '^$' -fuzz '^FuzzParseItemsQuery$' -fuzztime 10s ./internal/server

// checkParseError fails unless err is nil or a client error.
func checkParseError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *spatlas.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a spatlas.Error", err, err)
	}
	if s := httpStatus(e.Code); s < 400 || s > 499 {
		t.Fatalf("error %q has code %s, status %d; want a 4xx", e.Message, e.Code, s)
	}
	if len(e.Message) > maxMessage+len("…") {
		t.Fatalf("error message of %d bytes", len(e.Message))
	}
}

// fuzzCollection is an LSOA collection with every property of the level.
func fuzzCollection() spatlas.Collection {
	return spatlas.Collection{ID: "iod2019-lsoa", Level: spatlas.LevelLSOA, Properties: spatlas.LevelProperties(spatlas.LevelLSOA)}
}

// querySeeds are query strings that reach every branch of the parsers.
func querySeeds() []string {
	return []string{
		"", "f=json", "f=html", "f=json&f=json", "limit=10&offset=5", "limit=0", "limit=-1", "limit=1e3",
		"offset=99999999999999999999", "bbox=-1.35,54.5,-1.1,54.62", "bbox=1,2,3", "bbox=1,2,3,4,5,6",
		"bbox=a,b,c,d", "bbox=-181,0,0,0", "bbox=NaN,0,1,1", "bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84",
		"bbox-crs=EPSG:27700", "zoom=12", "zoom=99", "properties=code,imd_decile", "properties=,", "properties=nosuch",
		"imd_decile=01", "imd_decile=x", "lad_code=E06000002", "lad_code=%00", "nosuch=1", "datetime=2019-01-01",
		"datetime=2019-01-01/..", "datetime=../2020-01-01T00:00:00Z", "datetime=x/y/z", "%zz", "a=%ff",
		"edition=iod2025", "edition=nosuch", "level=lad&area=E92000001", "limit=5&max_decile=3&max_provision_pct=0.5",
		"max_decile=11", "max_provision_pct=NaN", "format=csv", "format=xml", "metric=imd_score", "dataset=%00",
	}
}

func FuzzParseItemsQuery(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s)
	}
	c := fuzzCollection()
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := parseItemsQuery(c, raw)
		checkParseError(t, err)
	})
}

func FuzzParseItemQuery(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s, "E01000001")
	}
	f.Add("zoom=3", "")
	f.Add("", "%00")
	c := fuzzCollection()
	f.Fuzz(func(t *testing.T, raw, id string) {
		_, err := parseItemQuery(c, raw, id)
		checkParseError(t, err)
	})
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"-1.35,54.5,-1.1,54.62", "1,2,3", "1,2,3,4,5,6", "", ",,,", "1e400,0,0,0", "-0,-0,0,0", "Inf,0,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		checkParseError(t, err)
		if err == nil && (b[0] > b[2] || b[1] > b[3]) {
			t.Fatalf("bbox %v accepted with min above max", *b)
		}
	})
}

func FuzzParseNumbers(f *testing.F) {
	for _, s := range []string{"0", "1", "10000", "10001", "-1", "+5", "0x10", "1e2", " 1", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseLimit(s); err == nil && (n < 1 || n > maxLimit) {
			t.Fatalf("limit %d accepted", n)
		} else {
			checkParseError(t, err)
		}
		if n, err := parseOffset(s); err == nil && n < 0 {
			t.Fatalf("offset %d accepted", n)
		} else {
			checkParseError(t, err)
		}
		if z, err := parseZoom(s); err == nil && z != nil && (*z < 0 || *z > maxZoom) {
			t.Fatalf("zoom %d accepted", *z)
		} else {
			checkParseError(t, err)
		}
	})
}

func FuzzCheckDatetime(f *testing.F) {
	for _, s := range []string{"2019-01-01", "2019-01-01T00:00:00Z", "../2020-01-01", "2019-01-01/..", "/", "x", "a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParseError(t, checkDatetime(s))
	})
}

func FuzzParseAreaProfile(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s, "E06000002")
	}
	f.Add("", "")
	f.Add("", "\x00")
	f.Fuzz(func(t *testing.T, raw, code string) {
		_, _, err := parseAreaProfile(raw, code)
		checkParseError(t, err)
	})
}

func FuzzParseUnderserved(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := parseUnderserved(raw)
		checkParseError(t, err)
	})
}

func FuzzParseInequality(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, _, err := parseInequality(raw)
		checkParseError(t, err)
	})
}

func FuzzParseDownload(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s, "iod2025", "lsoa.csv")
	}
	f.Add("area=E92000001", "iod2019", "lad.geojson")
	f.Add("", "nosuch", "x")
	f.Add("", "", ".")
	f.Fuzz(func(t *testing.T, raw, edition, file string) {
		_, err := parseDownload(raw, edition, file)
		checkParseError(t, err)
	})
}

func FuzzParseLoadReports(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := parseLoadReports(raw)
		checkParseError(t, err)
	})
}

func FuzzParseOnly(f *testing.F) {
	for _, s := range querySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := parseOnly(raw, "f", "edition")
		checkParseError(t, err)
	})
}
