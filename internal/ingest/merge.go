package ingest

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// scoreTolerance is how far the same score may differ between two files of one release (they
// are published to three decimals, sometimes with float noise).
const scoreTolerance = 1e-6

// MergeDeprivation merges the files of one edition into one record per LSOA, sorted by code.
// vintage is the LSOA vintage of the edition (0: take it from the first file that says); a file on
// another vintage is a file of the wrong edition and is rejected. A field given by several files
// must agree (ranks, deciles, populations and names exactly, scores within 1e-6), else the error
// names both files, their lines and the LSOA.
func MergeDeprivation(vintage int, files ...*DeprivationFile) ([]spatlas.LSOADeprivation, error) {
	if len(files) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "no deprivation files to merge")
	}
	want, wantFrom := vintage, "this edition"
	for _, f := range files {
		if f.Vintage == 0 {
			continue
		}
		if want == 0 {
			want, wantFrom = f.Vintage, f.Name
			continue
		}
		if f.Vintage != want {
			return nil, spatlas.Errorf(spatlas.EINVALID,
				"%s is on LSOA %d geography (%s layout) but %s uses LSOA %d: a file of the wrong edition",
				f.Name, f.Vintage, f.Layout, wantFrom, want)
		}
	}
	n := 0
	for _, f := range files {
		n = max(n, len(f.Records))
	}
	index := make(map[string]int, n)
	out := make([]spatlas.LSOADeprivation, 0, n)
	for fi, f := range files {
		for ri := range f.Records {
			r := &f.Records[ri]
			i, ok := index[r.Code]
			if !ok {
				index[r.Code] = len(out)
				out = append(out, *r)
				continue
			}
			if field, ok := mergeInto(&out[i], r); !ok {
				return nil, mergeConflict(files[:fi], f, ri, field)
			}
		}
	}
	slices.SortFunc(out, func(a, b spatlas.LSOADeprivation) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// mergeInto fills the fields of dst that src has and dst has not. When a field both have differs
// it returns the field's canonical name and false.
func mergeInto(dst, src *spatlas.LSOADeprivation) (string, bool) {
	for _, s := range []struct {
		field    string
		dst, src *string
	}{{"name", &dst.Name, &src.Name}, {"lad_code", &dst.LADCode, &src.LADCode}, {"lad_name", &dst.LADName, &src.LADName}} {
		switch {
		case *s.src == "":
		case *s.dst == "":
			*s.dst = *s.src
		case *s.dst != *s.src:
			return s.field, false
		}
	}
	for m := range 8 {
		name := "imd"
		if m > 0 {
			name = spatlas.Domains[m-1]
		}
		dm, sm := measureOf(dst, m), measureOf(src, m)
		if !mergePtr(&dm.Rank, sm.Rank, func(a, b int32) bool { return a == b }) {
			return name + "_rank", false
		}
		if !mergePtr(&dm.Decile, sm.Decile, func(a, b int16) bool { return a == b }) {
			return name + "_decile", false
		}
		if !mergePtr(&dm.Score, sm.Score, func(a, b float64) bool { return math.Abs(a-b) <= scoreTolerance }) {
			return name + "_score", false
		}
	}
	if !mergePtr(&dst.Population, src.Population, func(a, b int64) bool { return a == b }) {
		return "population", false
	}
	return "", true
}

// mergePtr sets *dst to src when *dst is nil; it reports false when both are set and differ.
func mergePtr[T any](dst **T, src *T, same func(a, b T) bool) bool {
	switch {
	case src == nil:
		return true
	case *dst == nil:
		*dst = src
		return true
	}
	return same(**dst, *src)
}

// mergeConflict describes a conflict found when merging record ri of file f: it finds the earlier
// file that gave the other value.
func mergeConflict(earlier []*DeprivationFile, f *DeprivationFile, ri int, field string) error {
	r := &f.Records[ri]
	for _, e := range earlier {
		for ei := range e.Records {
			o := &e.Records[ei]
			if o.Code != r.Code {
				continue
			}
			if a, b, ok := fieldValues(o, r, field); ok && a != b {
				return spatlas.Errorf(spatlas.EINVALID, "LSOA %s: %s is %s in %s (line %d) but %s in %s (line %d)",
					r.Code, field, a, e.Name, e.Lines[ei], b, f.Name, f.Lines[ri])
			}
		}
	}
	return spatlas.Errorf(spatlas.EINVALID, "LSOA %s: %s in %s (line %d) disagrees with an earlier file",
		r.Code, field, f.Name, f.Lines[ri])
}

// fieldValues renders a field of two records for an error message; ok is false when either lacks
// it.
func fieldValues(a, b *spatlas.LSOADeprivation, field string) (string, string, bool) {
	get := func(d *spatlas.LSOADeprivation) (string, bool) {
		switch field {
		case "name":
			return fmt.Sprintf("%q", d.Name), d.Name != ""
		case "lad_code":
			return d.LADCode, d.LADCode != ""
		case "lad_name":
			return fmt.Sprintf("%q", d.LADName), d.LADName != ""
		case "population":
			if d.Population == nil {
				return "", false
			}
			return fmt.Sprint(*d.Population), true
		}
		i := strings.LastIndexByte(field, '_')
		m := slices.Index(spatlas.Domains[:], field[:i])
		ms := measureOf(d, m+1)
		switch field[i+1:] {
		case "rank":
			if ms.Rank != nil {
				return fmt.Sprint(*ms.Rank), true
			}
		case "decile":
			if ms.Decile != nil {
				return fmt.Sprint(*ms.Decile), true
			}
		case "score":
			if ms.Score != nil {
				return fmt.Sprint(*ms.Score), true
			}
		}
		return "", false
	}
	x, ok1 := get(a)
	y, ok2 := get(b)
	return x, y, ok1 && ok2
}
