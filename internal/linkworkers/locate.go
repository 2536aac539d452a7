package linkworkers

import (
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// PracticeSources are the sources a practice of the map can be placed from, newest first.
type PracticeSources struct {
	// ODS is the ODS epraccur file by practice code (nil without one), ODSFile its name
	// (dataset/file). Its postcodes are placed through Postcodes.
	ODS     map[string]ODSPractice
	ODSFile string
	// Locations are the sites of the NHS Choices practice files of 2014 (nil without them).
	Locations map[string]PracticeLocation
	// Postcodes is the postcode lookup (nil without one).
	Postcodes spatlas.Postcodes
	// MapFile names the practice map (dataset/file), whose postcodes are the last resort.
	MapFile string
}

// practicePlace is where a practice is, or why it cannot be placed.
type practicePlace struct {
	lon, lat float64
	how      string // "ods", "file" or "postcode": the Totals' practices_located_by_<how>
	by       string // the file that placed it
	issue    string // why it is rejected or unlocated
	rejected bool
}

// locateAll locates every practice of the map, for the totals and the shares.
func (src PracticeSources) locateAll(im *spatlas.Import, practices []Practice) map[string]practicePlace {
	where := make(map[string]practicePlace, len(practices))
	for _, p := range practices {
		pl := src.locate(p)
		where[p.Code] = pl
		switch {
		case pl.rejected:
			im.Totals["practices_rejected"]++
		case pl.issue != "":
			im.Totals["practices_unlocated"]++
		default:
			im.Totals["practices_located"]++
			im.Totals["practices_located_by_"+pl.how]++
		}
	}
	return where
}

// locate places a practice from the first source that has it: its epraccur postcode through the
// lookup, its site in the NHS Choices files (the one at its current postcode, see
// PracticeLocation.At), or the map's postcode through the lookup. A source that has the practice
// at coordinates spatlas.CheckLonLat refuses rejects it; when none has it, the issue says what
// each source lacked.
func (src PracticeSources) locate(p Practice) practicePlace {
	var tried []string
	if o, ok := src.ODS[p.Code]; ok && src.Postcodes != nil {
		if pl, found := src.byPostcode(p, o.Postcode, "ods", src.ODSFile); found {
			return pl
		}
		tried = append(tried, fmt.Sprintf("its ODS postcode %s is not in the postcode lookup", o.Postcode))
	} else if src.ODS != nil && src.Postcodes != nil {
		tried = append(tried, "it is not in the ODS file")
	}
	if loc, ok := src.Locations[p.Code]; ok {
		s := loc.At(p.Postcode)
		if why := spatlas.CheckLonLat(s.Lon, s.Lat); why != "" {
			return practicePlace{rejected: true, issue: fmt.Sprintf("practice %s: %s (%s line %d)", p.Code, why, s.File, s.Line)}
		}
		return practicePlace{lon: s.Lon, lat: s.Lat, how: "file", by: s.File}
	}
	tried = append(tried, "it has no coordinates in the practice location files (NHS Choices, 2014)")
	if src.Postcodes == nil {
		tried = append(tried, "no postcode lookup is loaded")
		return practicePlace{issue: "the practice cannot be placed: " + strings.Join(tried, "; ")}
	}
	if p.Postcode != "" && (src.ODS[p.Code].Postcode == "" || postcodeKey(p.Postcode) != postcodeKey(src.ODS[p.Code].Postcode)) {
		if pl, found := src.byPostcode(p, p.Postcode, "postcode", src.MapFile); found {
			return pl
		}
	}
	tried = append(tried, fmt.Sprintf("its postcode in the practice map %q is not in the postcode lookup", p.Postcode))
	return practicePlace{issue: "the practice cannot be placed: " + strings.Join(tried, "; ")}
}

// byPostcode places a practice at a postcode through the lookup; found is false when the lookup
// lacks the postcode.
func (src PracticeSources) byPostcode(p Practice, postcode, how, file string) (pl practicePlace, found bool) {
	lon, lat, ok := src.Postcodes.Lookup(postcode)
	if !ok {
		return pl, false
	}
	if why := spatlas.CheckLonLat(lon, lat); why != "" {
		return practicePlace{rejected: true, issue: fmt.Sprintf("practice %s: postcode %q: %s", p.Code, postcode, why)}, true
	}
	return practicePlace{lon: lon, lat: lat, how: how, by: file}, true
}
