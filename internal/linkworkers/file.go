package linkworkers

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// The fields of a services file, each with the column or property names it is read from (after
// trimming and case folding). name, provider_type and fte are required.
const (
	fID = iota
	fName
	fProvider
	fFTE
	fCaseload
	fLat
	fLon
	fEasting
	fNorthing
	fPostcode
	fAddress
	fURL
	fPCN
	fPractice
	fCatchment
	nFields
)

// fieldNames returns the accepted names of each field, the first being the documented one.
func fieldNames() [nFields][]string {
	return [nFields][]string{
		fID:        {"id", "service_id", "source_id"},
		fName:      {"name", "service_name", "service name"},
		fProvider:  {"provider_type", "provider type", "providertype", "provider"},
		fFTE:       {"fte", "link_worker_fte"},
		fCaseload:  {"caseload"},
		fLat:       {"lat", "latitude"},
		fLon:       {"lon", "lng", "long", "longitude"},
		fEasting:   {"easting", "eastings"},
		fNorthing:  {"northing", "northings"},
		fPostcode:  {"postcode", "post_code", "postal_code"},
		fAddress:   {"address"},
		fURL:       {"url", "website"},
		fPCN:       {"pcn_code"},
		fPractice:  {"practice_code"},
		fCatchment: {"catchment_wkt", "catchment"},
	}
}

// record is one row or feature of a services file, as text, before it is checked.
type record struct {
	row int
	f   [nFields]string
	// point is the location a GeoJSON Point geometry gives, if any.
	point *spatlas.Location
	// area is the catchment polygon or multipolygon, if any, in areaSRID (0: the row's CRS).
	area     orb.Geometry
	areaSRID int
	// problem, when not "", is why the row is rejected, found while reading its format.
	problem string
}

// ReadServices reads a services CSV file: one service per record, with the columns
//
//	name, provider_type, fte                  required
//	caseload                                  optional whole number >= 0
//	lat/latitude and lon/lng/longitude        WGS84 degrees (SRID 4326), or
//	easting and northing                      British National Grid metres (EPSG:27700), or
//	postcode                                  looked up in pc
//	catchment_wkt                             optional WKT POLYGON or MULTIPOLYGON, in the
//	                                          row's coordinates (degrees or metres; EWKT's
//	                                          SRID=4326; or SRID=27700; prefix is read too)
//	id, pcn_code, practice_code, address, url optional
//
// provider_type is pcn, vcs, la or other, or a common spelling of one ("VCSE", "voluntary",
// "local authority", "council", ...). fte is a decimal number >= 0.
//
// Row is the line of the record. A row with a bad value (an unknown provider type, an fte that is
// not a number, coordinates spatlas.CheckLonLat or spatlas.CheckEastingNorthing refuses, a
// catchment that is not a closed polygon in the row's coordinates) is Rejected with the reason.
// The location is taken from coordinates first, then from the postcode; a row with neither, or
// whose postcode pc cannot place (or with no pc), is placed at its catchment's centroid when it
// has a catchment, and is Unlocated otherwise. Records whose fields are all empty are skipped
// and not counted. A file without a name, provider_type or fte column, or that is not CSV, is
// an EINVALID error naming the file and line.
func ReadServices(dataset, file string, r io.Reader, pc spatlas.Postcodes) (*spatlas.Import, error) {
	return ReadServicesWith(dataset, file, r, textio.CSVOptions{}, pc)
}

// ReadServicesWith is ReadServices for a file laid out as o says (its field separator).
func ReadServicesWith(dataset, file string, r io.Reader, o textio.CSVOptions, pc spatlas.Postcodes) (*spatlas.Import, error) {
	c, err := textio.NewCSVReaderWith(file, r, o)
	if err != nil {
		return nil, err
	}
	names := fieldNames()
	var col [nFields]int
	for i, alts := range names {
		col[i] = -1
		for _, a := range alts {
			if j := c.Column(a); j >= 0 {
				col[i] = j
				break
			}
		}
	}
	for _, i := range []int{fName, fProvider, fFTE} {
		if col[i] < 0 {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s:1: missing column %q (the header has %s); a services file needs name, provider_type and fte",
				file, names[i][0], headerList(c.Header()))
		}
	}
	im := &spatlas.Import{Dataset: dataset, File: file}
	for {
		more, err := c.Next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		rec := c.Record()
		if textio.BlankRecord(rec) {
			continue
		}
		rc := record{row: c.Line()}
		for i, j := range col {
			if j >= 0 {
				rc.f[i] = strings.TrimSpace(rec[j])
			}
		}
		if s := rc.f[fCatchment]; s != "" {
			rc.area, rc.areaSRID, rc.problem = parseWKT(s)
		}
		im.RowsRead++
		place(im, &rc, pc)
	}
	return im, nil
}

func headerList(h []string) string {
	if len(h) == 0 {
		return "no columns"
	}
	q := make([]string, len(h))
	for i, s := range h {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// parseWKT parses a catchment polygon written as WKT, or as EWKT with an SRID of 4326 or 27700
// ("SRID=27700;POLYGON(...)"); srid is 0 when the text does not say.
func parseWKT(s string) (g orb.Geometry, srid int, problem string) {
	if head, rest, ok := strings.Cut(s, ";"); ok && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(head)), "SRID=") {
		switch strings.TrimSpace(head[strings.Index(head, "=")+1:]) {
		case "4326":
			srid = spatlas.SRIDWGS84
		case "27700":
			srid = spatlas.SRIDBNG
		default:
			return nil, 0, fmt.Sprintf("catchment_wkt has %s: give SRID=4326, SRID=27700 or no SRID", strings.TrimSpace(head))
		}
		s = rest
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, 0, fmt.Sprintf("catchment_wkt is not WKT (%v): give a POLYGON or MULTIPOLYGON", err)
	}
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return g, srid, ""
	}
	return nil, 0, fmt.Sprintf("catchment_wkt is a %s: give a POLYGON or MULTIPOLYGON", strings.ToUpper(g.GeoJSONType()))
}
