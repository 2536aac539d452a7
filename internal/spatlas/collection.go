package spatlas

import (
	"context"
	"strings"
)

// Levels of geography spatlas publishes. LSOAs come from the boundary files; every higher level
// is built from its LSOAs with a lookup (METHODS.md, "Editions and geography").
const (
	LevelLSOA   = "lsoa"
	LevelMSOA   = "msoa"
	LevelLAD    = "lad"
	LevelICB    = "icb"
	LevelRegion = "region"
)

// Property types, as JSON Schema names them.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeNumber  = "number"
)

// Property is one published attribute of the features of a collection.
type Property struct {
	Name        string
	Type        string
	Description string
	// Queryable properties can be used as name=value equality filters on items.
	Queryable bool
}

// Collection is one OGC API - Features collection: the areas of one level in one edition.
type Collection struct {
	ID          string // "{edition}-{level}", e.g. "iod2019-lsoa"
	Edition     Edition
	Level       string
	Title       string
	Description string
	Properties  []Property
	BBox        [4]float64 // lon/lat extent: minx, miny, maxx, maxy
	Count       int64
}

// Property returns the collection's property of that name.
func (c Collection) Property(name string) (Property, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// CollectionByID resolves a collection id without asking a store: an area collection's
// edition, level and properties, or the assets or services collection's title and properties,
// follow from the id. Whether the collection holds data, the store's feature queries say. An id
// that names no collection is ENOTFOUND.
func CollectionByID(id string) (Collection, error) {
	if id == CollectionAssets || id == CollectionServices {
		return provisionCollection(id), nil
	}
	notFound := Errorf(ENOTFOUND, "no collection %q", id)
	edition, level, ok := ParseCollectionID(id)
	if !ok {
		return Collection{}, notFound
	}
	ed, err := EditionByID(edition)
	props := LevelProperties(level)
	if err != nil || props == nil {
		return Collection{}, notFound
	}
	props = append(props, MetricProperties(level, nil)...)
	return Collection{ID: id, Edition: ed, Level: level, Properties: props}, nil
}

// MustCollection is CollectionByID for an id known to be right, such as a constant; it panics
// on any other.
func MustCollection(id string) Collection {
	c, err := CollectionByID(id)
	if err != nil {
		panic(err)
	}
	return c
}

// provisionCollection describes the assets or services collection.
func provisionCollection(id string) Collection {
	c := Collection{ID: id, Level: id, Properties: ProvisionProperties(id)}
	if id == CollectionAssets {
		c.Title = "Community assets"
		c.Description = "Places people can be referred or signposted to, one category each, with every source record behind them; joined to the LSOAs of both editions"
	} else {
		c.Title = "Social prescribing link worker services"
		c.Description = "Link worker provision at its base locations, with employer type and FTE; PCN workforce placed at member GP practices; joined to the LSOAs of both editions"
	}
	return c
}

// CollectionID names the collection of one level of one edition.
func CollectionID(edition, level string) string { return edition + "-" + level }

// ParseCollectionID splits a collection id into edition and level.
func ParseCollectionID(id string) (edition, level string, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return "", "", false
	}
	return id[:i], id[i+1:], true
}

// LevelProperties returns the published properties of areas of a level, in publication order.
func LevelProperties(level string) []Property {
	switch level {
	case LevelLSOA:
		ps := []Property{
			{Name: "code", Type: TypeString, Description: "LSOA code", Queryable: true},
			{Name: "name", Type: TypeString, Description: "LSOA name"},
			{Name: "lad_code", Type: TypeString, Description: "local authority district code of the deprivation file", Queryable: true},
			{Name: "lad_name", Type: TypeString, Description: "local authority district name"},
			{Name: "icb_code", Type: TypeString, Description: "integrated care board code (ONS), from the geography lookup", Queryable: true},
			{Name: "msoa_code", Type: TypeString, Description: "middle layer super output area code, from the geography lookup", Queryable: true},
			{Name: "msoa_name", Type: TypeString, Description: "middle layer super output area name"},
			{Name: "region_code", Type: TypeString, Description: "region code of the LSOA's local authority district, from the geography lookup", Queryable: true},
			{Name: "region_name", Type: TypeString, Description: "region name"},
			{Name: "imd_rank", Type: TypeInteger, Description: "Index of Multiple Deprivation rank, 1 = most deprived LSOA in England", Queryable: true},
			{Name: "imd_decile", Type: TypeInteger, Description: "IMD decile, 1 = most deprived 10% of LSOAs", Queryable: true},
			{Name: "imd_score", Type: TypeNumber, Description: "IMD score, higher = more deprived; null when no score file is loaded"},
		}
		for _, d := range Domains {
			ps = append(ps,
				Property{Name: d + "_rank", Type: TypeInteger, Description: d + " domain rank, 1 = most deprived", Queryable: true},
				Property{Name: d + "_decile", Type: TypeInteger, Description: d + " domain decile, 1 = most deprived 10%", Queryable: true},
				Property{Name: d + "_score", Type: TypeNumber, Description: d + " domain score; null when no score file is loaded"},
			)
		}
		return append(ps, Property{Name: "population", Type: TypeInteger, Description: "population denominator of the edition (see the provenance of the edition)"})
	case LevelMSOA, LevelLAD, LevelICB, LevelRegion:
		label := strings.ToUpper(level)
		if level == LevelRegion {
			label = "region"
		}
		ps := []Property{
			{Name: "code", Type: TypeString, Description: label + " code", Queryable: true},
			{Name: "name", Type: TypeString, Description: label + " name"},
		}
		switch level {
		case LevelMSOA:
			ps = append(ps,
				Property{Name: "lad_code", Type: TypeString, Description: "local authority district holding all of the MSOA's LSOAs", Queryable: true},
				Property{Name: "region_code", Type: TypeString, Description: "region holding all of the MSOA's LSOAs", Queryable: true})
		case LevelLAD:
			ps = append(ps,
				Property{Name: "region_code", Type: TypeString, Description: "region of the district", Queryable: true},
				Property{Name: "icb_code", Type: TypeString, Description: "integrated care board holding all of the district's LSOAs; null when the district is split between ICBs", Queryable: true})
		}
		return append(ps, []Property{
			{Name: "lsoa_count", Type: TypeInteger, Description: "LSOAs in the area", Queryable: true},
			{Name: "lsoa_decile1_count", Type: TypeInteger, Description: "LSOAs in the most deprived national IMD decile", Queryable: true},
			{Name: "lsoa_decile1_pct", Type: TypeNumber, Description: "share of the area's LSOAs in the most deprived national decile, 0-100, one decimal"},
			{Name: "imd_avg_rank", Type: TypeNumber, Description: "MHCLG average rank: population-weighted mean of reversed LSOA IMD ranks (N = most deprived), two decimals; higher = more deprived"},
			{Name: "population", Type: TypeInteger, Description: "sum of the LSOA population denominators"},
		}...)
	}
	return nil
}

// FeatureQuery selects features of one collection.
type FeatureQuery struct {
	Collection Collection  // resolved: the store trusts it
	BBox       *[4]float64 // lon/lat: minx, miny, maxx, maxy
	Limit      int
	Offset     int
	Properties []string // nil: all properties
	Filters    []Filter // ANDed equality filters on queryable properties
	Zoom       *int     // web-map zoom 0-22: generalise geometry and round coordinates for it
}

// Filter is one name=value equality filter. Value has been checked against the property's type.
type Filter struct {
	Property string
	Value    string
}

// FeaturePage is one page of features, serialised by the database.
type FeaturePage struct {
	Features       []byte // a JSON array of GeoJSON Feature objects
	NumberMatched  int64
	NumberReturned int
}

// FeatureService is what the OGC API needs of a store.
type FeatureService interface {
	// Collections lists the collections of the loaded editions.
	Collections(ctx context.Context) ([]Collection, error)
	// Features returns a page of features; a collection without data is ENOTFOUND.
	Features(ctx context.Context, q FeatureQuery) (FeaturePage, error)
	// Feature returns one GeoJSON Feature; a collection without data or an unknown id is
	// ENOTFOUND.
	Feature(ctx context.Context, c Collection, id string, zoom *int, properties []string) ([]byte, error)
	// Generation changes whenever loaded data changes; caches key on it.
	Generation(ctx context.Context) (int64, error)
	// Ready reports whether the database is reachable and holds at least one loaded edition.
	Ready(ctx context.Context) error
}

// Collections of provision: one each for community assets and link worker services, across
// editions (each feature carries its LSOA in both).
const (
	CollectionAssets   = "assets"
	CollectionServices = "services"
)

// ProvisionProperties returns the published properties of the assets or services collection,
// in publication order; nil for any other id.
func ProvisionProperties(collection string) []Property {
	common := func(ps ...Property) []Property {
		return append(ps,
			Property{Name: "address", Type: TypeString, Description: "address as the source gives it"},
			Property{Name: "postcode", Type: TypeString, Description: "postcode as the source gives it"},
			Property{Name: "url", Type: TypeString, Description: "web site"},
			Property{Name: "source", Type: TypeString, Description: "dataset of the first source record (the data directory folder or import name)", Queryable: true},
			Property{Name: "source_id", Type: TypeString, Description: "id of the first source record in its source"},
			Property{Name: "lsoa11_code", Type: TypeString, Description: "LSOA 2011 containing the point (iod2019 geography); null outside England", Queryable: true},
			Property{Name: "lsoa21_code", Type: TypeString, Description: "LSOA 2021 containing the point (iod2025 geography); null outside England", Queryable: true},
			Property{Name: "lad_code", Type: TypeString, Description: "local authority district of the LSOA (iod2025 codes where the point has a 2021 LSOA, else iod2019)", Queryable: true},
		)
	}
	switch collection {
	case CollectionAssets:
		return common(
			Property{Name: "id", Type: TypeString, Description: "asset id (stable while the asset's first source stays loaded)"},
			Property{Name: "name", Type: TypeString, Description: "name (\"\" when the source names none)"},
			Property{Name: "category", Type: TypeString, Description: "category id from the spatlas taxonomy (/api/categories); a comma-separated list filters on any of them", Queryable: true},
			Property{Name: "category_label", Type: TypeString, Description: "category label"},
			Property{Name: "sources", Type: "array", Description: "every source record merged into this asset (same normalised name within 50 m): dataset, file, source_id, row"},
		)
	case CollectionServices:
		return common(
			Property{Name: "id", Type: TypeString, Description: "service id"},
			Property{Name: "name", Type: TypeString, Description: "name of the base (a GP practice for PCN link workers)"},
			Property{Name: "provider_type", Type: TypeString, Description: "employer type: pcn, vcs (voluntary and community sector), la (local authority), other; a comma-separated list filters on any of them", Queryable: true},
			Property{Name: "pcn_code", Type: TypeString, Description: "primary care network ODS code", Queryable: true},
			Property{Name: "pcn_name", Type: TypeString, Description: "primary care network name"},
			Property{Name: "practice_code", Type: TypeString, Description: "GP practice ODS code", Queryable: true},
			Property{Name: "fte", Type: TypeNumber, Description: "link worker full-time equivalents based here (a PCN's FTE split equally among its located member practices)"},
			Property{Name: "caseload", Type: TypeInteger, Description: "caseload (people), rounded to the nearest 5; null when unknown or suppressed (METHODS.md, Disclosure control)"},
			Property{Name: "caseload_suppressed", Type: "boolean", Description: "true when the caseload is 1 to 7 and therefore not shown"},
			Property{Name: "located_by", Type: TypeString, Description: "the file that placed the service when not its own: for PCN link workers, the practice file (ODS epraccur, NHS Choices 2014, the practice map) whose postcode or coordinates placed the practice"},
		)
	}
	return nil
}
