package spatlas

import (
	"context"
	"fmt"
	"math"
	"time"
)

// SRIDs of the coordinates spatlas reads.
const (
	SRIDWGS84 = 4326  // longitude, latitude in degrees
	SRIDBNG   = 27700 // British National Grid easting, northing in metres
)

// Location is where an asset or service is, as the source gave it.
type Location struct {
	X, Y float64 // longitude, latitude (SRIDWGS84) or easting, northing (SRIDBNG)
	SRID int
	// Area is the source's polygon or multipolygon as WKB in SRID, when it gave an area rather
	// than a point; X, Y then hold a point of it (for checks) and the store places the
	// asset at ST_PointOnSurface of the area.
	Area []byte
}

// CategoryHints is what a source says about the kind of place a record is; the taxonomy turns
// it into exactly one category (METHODS.md, Provision).
type CategoryHints struct {
	Category string            // a taxonomy category id set by the import (a mapping or a flag)
	Tags     map[string]string // OpenStreetMap tags
	Terms    []string          // Open Referral taxonomy terms: ids, codes or names
	Labels   []string          // free-text categories or types from the source
	Name     string            // the record's name, a last resort for keywords
}

// Asset is one community asset as read from a source: a place people can be referred or
// signposted to.
type Asset struct {
	Dataset  string // the data directory folder, or the name given to an import
	File     string // the file name within the dataset, or the API base URL
	SourceID string // the record's id in the source; "" when the source has none
	Row      int    // the 1-based line (CSV) or feature/record number
	Name     string
	Category string // a taxonomy category id; set by the taxonomy when the import leaves it empty
	Hints    CategoryHints
	Address  string
	Postcode string
	URL      string
	Loc      Location
}

// Provider types of social prescribing services (METHODS.md, Provision).
const (
	ProviderPCN   = "pcn"
	ProviderVCS   = "vcs"
	ProviderLA    = "la"
	ProviderOther = "other"
)

// ProviderTypes lists the provider types in order.
var ProviderTypes = [...]string{ProviderPCN, ProviderVCS, ProviderLA, ProviderOther}

// Service is one social prescribing (link worker) service at a base location.
type Service struct {
	Dataset      string
	File         string
	SourceID     string
	Row          int
	Name         string
	ProviderType string // one of ProviderTypes
	PCNCode      string
	PCNName      string
	PracticeCode string
	FTE          float64
	Caseload     *int64
	Address      string
	Postcode     string
	URL          string
	Loc          Location
	Catchment    []byte // optional polygon or multipolygon WKB in Loc.SRID
	LocatedBy    string // the file whose coordinates or postcode placed it, when not the service's own
}

// RowIssue is one input row that was not loaded as it stands, and why.
type RowIssue struct {
	Row      int    `json:"row,omitempty"` // 1-based line or record number
	ID       string `json:"id,omitempty"`  // the source's id, or a code such as a practice code
	Name     string `json:"name,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Reason   string `json:"reason"`
}

// Kinds of provision a file holds.
const (
	KindAssets   = "assets"
	KindServices = "services"
)

// Import is what one importer read from one file (or one API).
type Import struct {
	Kind     string // KindAssets or KindServices
	Dataset  string
	File     string
	RowsRead int
	Assets   []Asset
	Services []Service
	// Rejected rows are wrong (bad coordinates, say); Unlocated rows could not be placed (a
	// postcode with no lookup); Excluded rows are deliberately not current provision (a closed
	// library). Every row read is loaded, rejected, unlocated or excluded.
	Rejected  []RowIssue
	Unlocated []RowIssue
	Excluded  []RowIssue
	// Totals are figures a reader needs to account for the file, by name ("fte_read", say).
	Totals map[string]float64
	// Fields are the column or property names the file's records carry, for warnings.
	Fields []string
	// Warnings say what in a file that loaded looks wrong (most assets without a name, say).
	Warnings []string
	// Source is the file's provenance.
	Source SourceFile
	// Key identifies everything the import was built from (files, lookups, rules), so that a
	// load can skip it when nothing changed; "" always loads.
	Key string
}

// Issues is a number of rows with the rows themselves, for load reports.
type Issues struct {
	Count int        `json:"count"`
	Rows  []RowIssue `json:"rows"`
}

// ProvisionReport says what the latest load of one file did, so that every input row can be
// accounted for: rows_read = loaded + rejected + unlocated + excluded.
type ProvisionReport struct {
	Dataset   string             `json:"dataset"`
	File      string             `json:"file"`
	Kind      string             `json:"kind"` // "assets" or "services"
	LoadedAt  time.Time          `json:"loaded_at"`
	SHA256    string             `json:"sha256,omitempty"`
	RowsRead  int                `json:"rows_read"`
	Loaded    int                `json:"loaded"`
	Merged    int                `json:"merged"`  // loaded rows that joined an asset already there
	NoLSOA    int                `json:"no_lsoa"` // new assets, or services, outside every loaded LSOA (Wales, the sea)
	Rejected  Issues             `json:"rejected"`
	Unlocated Issues             `json:"unlocated"`
	Excluded  Issues             `json:"excluded"`
	Totals    map[string]float64 `json:"totals,omitempty"`
	Warnings  []string           `json:"warnings,omitempty"`
}

// Postcodes finds the location of a postcode.
type Postcodes interface {
	// Lookup returns the longitude and latitude of a postcode written in any common form
	// ("M1 1AE", "m11ae"); ok is false when the postcode is not in the lookup.
	Lookup(postcode string) (lon, lat float64, ok bool)
}

// England and Wales, coarsely: the box around them, less the parts of it that are Scotland, the
// Isle of Man and Northern Ireland. Points in the sea inside it pass, and find no LSOA.
const (
	ewMinLon, ewMaxLon = -6.45, 1.77
	ewMinLat, ewMaxLat = 49.85, 55.82
)

// CheckLonLat returns why a longitude and latitude cannot be an asset or service location in
// England or Wales, or "" when they can.
func CheckLonLat(lon, lat float64) string {
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return "coordinates are not numbers"
	case lon == 0 && lat == 0:
		return "coordinates are (0, 0), a placeholder for a missing location"
	case lat < -90 || lat > 90:
		return fmt.Sprintf("latitude %g is out of range (-90 to 90)", lat)
	case lon < -180 || lon > 180:
		return fmt.Sprintf("longitude %g is out of range (-180 to 180)", lon)
	case inEWBox(lat, lon) && !inEWBox(lon, lat):
		return fmt.Sprintf("latitude and longitude look swapped (latitude %g, longitude %g)", lat, lon)
	case !inEWBox(lon, lat) || inScotland(lon, lat) ||
		(lon >= -4.9 && lon <= -4.3 && lat >= 54.03 && lat <= 54.43) || // Isle of Man
		(lon < -5.3 && lat > 54.0): // Northern Ireland
		return fmt.Sprintf("longitude %g, latitude %g is outside England and Wales", lon, lat)
	}
	return ""
}

func inEWBox(lon, lat float64) bool {
	return lon >= ewMinLon && lon <= ewMaxLon && lat >= ewMinLat && lat <= ewMaxLat
}

// inScotland says whether a point in the box is north of the England-Scotland border.
func inScotland(lon, lat float64) bool {
	// The border, west to east, as (lon, lat) points.
	b := [...][2]float64{
		{-3.60, 54.86}, {-3.05, 54.98}, {-2.95, 55.04}, {-2.83, 55.14}, {-2.69, 55.19},
		{-2.60, 55.29}, {-2.48, 55.36}, {-2.32, 55.62}, {-2.03, 55.80}, {-1.95, 55.82},
	}
	if lon < b[0][0] {
		return lat > 54.75 // the Solway Firth and Galloway
	}
	for i := 1; i < len(b); i++ {
		if lon <= b[i][0] {
			t := (lon - b[i-1][0]) / (b[i][0] - b[i-1][0])
			return lat > b[i-1][1]+t*(b[i][1]-b[i-1][1])
		}
	}
	return false
}

// CheckEastingNorthing returns why a British National Grid easting and northing cannot be an
// asset or service location in England or Wales, or "" when they can.
func CheckEastingNorthing(e, n float64) string {
	switch {
	case math.IsNaN(e) || math.IsNaN(n) || math.IsInf(e, 0) || math.IsInf(n, 0):
		return "coordinates are not numbers"
	case e == 0 && n == 0:
		return "easting and northing are (0, 0), a placeholder for a missing location"
	case e < 0 || e > 700000 || n < 0 || n > 1300000:
		return fmt.Sprintf("easting %g, northing %g is off the British National Grid", e, n)
	case e < 80000 || e > 660000 || n < 5000 || n > 660000:
		return fmt.Sprintf("easting %g, northing %g is outside England and Wales", e, n)
	}
	return ""
}

// CategoryCount is one category of the asset taxonomy, with the number of assets in it.
type CategoryCount struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Group      string `json:"group"`
	GroupLabel string `json:"group_label"`
	Colour     string `json:"colour"`
	Count      int64  `json:"count"`
}

// ProvisionService is what the API needs of a store to describe provision data.
type ProvisionService interface {
	// ProvisionReports returns the latest load report of every provision file.
	ProvisionReports(ctx context.Context) ([]ProvisionReport, error)
	// Categories returns the taxonomy's categories with the number of assets in each.
	Categories(ctx context.Context) ([]CategoryCount, error)
}
