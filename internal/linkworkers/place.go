package linkworkers

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"github.com/spatlas/spatlas/internal/geom"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// place checks one record and adds it to exactly one of the import's lists.
func place(im *spatlas.Import, rc *record, pc spatlas.Postcodes) {
	f := &rc.f
	issue := func(reason string) spatlas.RowIssue {
		return spatlas.RowIssue{Row: rc.row, ID: f[fID], Name: f[fName], Postcode: f[fPostcode], Reason: reason}
	}
	s, bad := values(rc)
	var why string
	located := false
	if bad == "" {
		s.Loc, located, why, bad = locate(rc, pc)
	}
	if bad == "" && rc.area != nil {
		s.Catchment, bad = catchment(rc, &s.Loc, &located)
	}
	switch {
	case bad != "":
		im.Rejected = append(im.Rejected, issue(bad))
		return
	case !located:
		im.Unlocated = append(im.Unlocated, issue(why))
		return
	}
	s.Dataset, s.File = im.Dataset, im.File
	im.Services = append(im.Services, s)
}

// values reads a record's fields into a service, or says why the record is rejected.
func values(rc *record) (spatlas.Service, string) {
	f := &rc.f
	if rc.problem != "" {
		return spatlas.Service{}, rc.problem
	}
	if f[fName] == "" {
		return spatlas.Service{}, "name is empty"
	}
	provider, ok := ProviderType(f[fProvider])
	if !ok {
		return spatlas.Service{}, fmt.Sprintf("provider_type %q is not one of pcn, vcs, la, other (or a common spelling such as VCSE, voluntary, local authority, council)", f[fProvider])
	}
	if f[fFTE] == "" {
		return spatlas.Service{}, "fte is empty: give the service's link worker full-time equivalent, a number >= 0"
	}
	fte, err := strconv.ParseFloat(f[fFTE], 64)
	if err != nil || math.IsNaN(fte) || math.IsInf(fte, 0) {
		return spatlas.Service{}, fmt.Sprintf("fte %q is not a number", f[fFTE])
	}
	if fte < 0 {
		return spatlas.Service{}, fmt.Sprintf("fte %s is negative", f[fFTE])
	}
	var caseload *int64
	if s := f[fCaseload]; s != "" {
		n, ok := wholeNumber(s)
		if !ok {
			return spatlas.Service{}, fmt.Sprintf("caseload %q is not a whole number", s)
		}
		if n < 0 {
			return spatlas.Service{}, fmt.Sprintf("caseload %s is negative", s)
		}
		caseload = &n
	}
	return spatlas.Service{
		SourceID: f[fID], Row: rc.row,
		Name: f[fName], ProviderType: provider, PCNCode: f[fPCN], PracticeCode: f[fPractice],
		FTE: fte, Caseload: caseload, Address: f[fAddress], Postcode: f[fPostcode], URL: f[fURL],
	}, ""
}

// locate finds a record's location: a point geometry, coordinates, or a postcode. why says why
// a record is not located, bad why it is rejected.
func locate(rc *record, pc spatlas.Postcodes) (loc spatlas.Location, located bool, why, bad string) {
	f := &rc.f
	switch {
	case rc.point != nil:
		if bad := checkLocation(*rc.point); bad != "" {
			return loc, false, "", "geometry: " + bad
		}
		return *rc.point, true, "", ""
	case f[fLat] != "" || f[fLon] != "":
		lon, lat, bad := pair(f[fLon], f[fLat], "lon", "lat")
		if bad == "" {
			bad = spatlas.CheckLonLat(lon, lat)
		}
		return spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, bad == "", "", bad
	case f[fEasting] != "" || f[fNorthing] != "":
		e, n, bad := pair(f[fEasting], f[fNorthing], "easting", "northing")
		if bad == "" {
			bad = spatlas.CheckEastingNorthing(e, n)
		}
		return spatlas.Location{X: e, Y: n, SRID: spatlas.SRIDBNG}, bad == "", "", bad
	case f[fPostcode] != "" && pc != nil:
		lon, lat, ok := pc.Lookup(f[fPostcode])
		if !ok {
			return loc, false, fmt.Sprintf("postcode %q is not in the postcode lookup", f[fPostcode]), ""
		}
		if bad := spatlas.CheckLonLat(lon, lat); bad != "" {
			return loc, false, "", fmt.Sprintf("postcode %q: %s", f[fPostcode], bad)
		}
		return spatlas.Location{X: lon, Y: lat, SRID: spatlas.SRIDWGS84}, true, "", ""
	case f[fPostcode] != "":
		return loc, false, "located by postcode only, and no postcode lookup is loaded", ""
	}
	return loc, false, "no location: give lat and lon, easting and northing, or a postcode", ""
}

// catchment checks a record's catchment and returns it as WKB; a record not located otherwise
// is placed at the catchment's centroid. bad says why the record is rejected.
func catchment(rc *record, loc *spatlas.Location, located *bool) (area []byte, bad string) {
	srid := rc.areaSRID
	if srid == 0 {
		srid = guessSRID(rc.area)
	}
	if *located && srid != loc.SRID {
		return nil, fmt.Sprintf("the catchment is in %s but the location is in %s: give both in the same coordinates", crsName(srid), crsName(loc.SRID))
	}
	if bad := checkArea(rc.area, srid); bad != "" {
		return nil, "catchment: " + bad
	}
	b, err := wkb.Marshal(rc.area)
	if err != nil {
		return nil, fmt.Sprintf("catchment: %v", err)
	}
	if !*located {
		c, _ := planar.CentroidArea(rc.area)
		*loc, *located = spatlas.Location{X: c[0], Y: c[1], SRID: srid}, true
		if bad := checkLocation(*loc); bad != "" {
			return nil, "the catchment's centroid, used as the location: " + bad
		}
	}
	return b, ""
}

// ProviderType returns the provider type (one of spatlas.ProviderTypes) that s names, written
// as the type itself or a common spelling, case folded: "PCN", "primary care network"; "VCS",
// "VCSE", "VCFSE", "voluntary", "voluntary and community sector", "charity", "third sector";
// "LA", "local authority", "council"; "other".
func ProviderType(s string) (string, bool) {
	k := strings.ToLower(s)
	k = strings.NewReplacer("_", " ", "-", " ", "/", " ", "&", " and ", ",", " ").Replace(k)
	k = strings.Join(strings.Fields(k), " ")
	switch k {
	case "pcn", "primary care network", "primary care networks", "nhs pcn":
		return spatlas.ProviderPCN, true
	case "vcs", "vcse", "vcfs", "vcfse", "voluntary", "voluntary sector", "voluntary and community",
		"voluntary and community sector", "voluntary community sector", "voluntary and community organisation",
		"voluntary community and social enterprise", "voluntary community faith and social enterprise",
		"charity", "third sector", "community":
		return spatlas.ProviderVCS, true
	case "la", "local authority", "council", "local council", "city council", "county council", "borough council":
		return spatlas.ProviderLA, true
	case "other":
		return spatlas.ProviderOther, true
	}
	return "", false
}

// wholeNumber parses a whole number, with or without thousands separators ("1,200").
func wholeNumber(s string) (int64, bool) {
	t := s
	if strings.Contains(s, ",") {
		digits := strings.TrimLeft(s, "+-")
		groups := strings.Split(digits, ",")
		for i, g := range groups {
			if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
				return 0, false
			}
		}
		t = strings.ReplaceAll(s, ",", "")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// pair parses two coordinates, both required.
func pair(xs, ys, xName, yName string) (x, y float64, bad string) {
	switch {
	case xs == "":
		return 0, 0, fmt.Sprintf("%s is given without %s", yName, xName)
	case ys == "":
		return 0, 0, fmt.Sprintf("%s is given without %s", xName, yName)
	}
	x, err := strconv.ParseFloat(xs, 64)
	if err != nil {
		return 0, 0, fmt.Sprintf("%s %q is not a number", xName, xs)
	}
	y, err = strconv.ParseFloat(ys, 64)
	if err != nil {
		return 0, 0, fmt.Sprintf("%s %q is not a number", yName, ys)
	}
	return x, y, ""
}

func checkLocation(l spatlas.Location) string {
	if l.SRID == spatlas.SRIDBNG {
		return spatlas.CheckEastingNorthing(l.X, l.Y)
	}
	return spatlas.CheckLonLat(l.X, l.Y)
}

func crsName(srid int) string {
	if srid == spatlas.SRIDBNG {
		return "easting/northing (EPSG:27700)"
	}
	return "longitude/latitude (EPSG:4326)"
}

// guessSRID says which coordinates a WKT polygon is in: degrees when every vertex could be a
// longitude and latitude, metres otherwise (no easting and northing in England is that small).
func guessSRID(g orb.Geometry) int {
	b := g.Bound()
	if b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 {
		return spatlas.SRIDWGS84
	}
	return spatlas.SRIDBNG
}

// checkArea returns why a catchment polygon cannot be stored in srid, or "".
func checkArea(g orb.Geometry, srid int) string {
	if e := geom.CheckRings(g); e != nil {
		switch {
		case e.Polygon == 0:
			return "the polygon is empty"
		case e.Ring == 0:
			return "a polygon has no rings"
		case e.Open:
			return "a ring is not closed: its last point must be the same as its first"
		}
		return fmt.Sprintf("a ring has %d points; a ring needs at least 4, the last the same as the first", e.Positions)
	}
	bad := false
	geom.EachPosition(g, func(pt orb.Point) bool {
		bad = math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0)
		return !bad
	})
	if bad {
		return "a vertex is not a number"
	}
	c := g.Bound().Center()
	if bad := checkLocation(spatlas.Location{X: c[0], Y: c[1], SRID: srid}); bad != "" {
		return fmt.Sprintf("its middle, in %s: %s", crsName(srid), bad)
	}
	return ""
}
