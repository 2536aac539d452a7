package spatlas

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// BuildParams are the choices behind the need-versus-provision metrics (METHODS.md, "Provision"
// and "Gap and underserved areas"). A build records the ones it used, and every response that
// depends on them echoes them.
type BuildParams struct {
	// AssetsCatchment is the E2SFCA catchment d0 for community assets, in metres.
	AssetsCatchment float64 `json:"assets_catchment_m"`
	// LinkWorkerCatchment is the E2SFCA catchment d0 for link worker FTE, in metres.
	LinkWorkerCatchment float64 `json:"lw_catchment_m"`
	// Weights are the distance-decay weights of the three equal bands of a catchment, nearest
	// first; {1, 1, 1} is plain 2SFCA.
	Weights [3]float64 `json:"weights"`
	// GapMetric is the provision metric whose percentile the gap and underserved flag use.
	GapMetric string `json:"gap_metric"`
	// UnderservedDecile and UnderservedPct are the thresholds of the underserved flag: IMD
	// decile at most UnderservedDecile and provision percentile at most UnderservedPct.
	UnderservedDecile int     `json:"underserved_max_decile"`
	UnderservedPct    float64 `json:"underserved_max_provision_pct"`
	// HotspotFDR is the false discovery rate of the Benjamini-Hochberg hotspot flag.
	HotspotFDR float64 `json:"hotspot_fdr"`
}

// TypeBoolean is JSON Schema's name for true/false properties.
const TypeBoolean = "boolean"

// WithinRadius is the fixed radius of assets_within_1600m, in metres.
const WithinRadius = 1600

// RankDigits is the number of significant digits to which provision values are rounded before
// they are ranked into provision_pct, so that values equal but for floating-point noise tie.
const RankDigits = 12

// GapMetrics are the provision metrics the gap can be measured on.
var GapMetrics = [...]string{"assets_access_per_1k", "lw_fte_per_10k", "assets_per_1k", "assets_within_1600m"}

// DefaultBuildParams returns METHODS.md's defaults.
func DefaultBuildParams() BuildParams {
	return BuildParams{
		AssetsCatchment:     1600,
		LinkWorkerCatchment: 5000,
		Weights:             [3]float64{1, 0.68, 0.22},
		GapMetric:           "assets_access_per_1k",
		UnderservedDecile:   2,
		UnderservedPct:      0.2,
		HotspotFDR:          0.05,
	}
}

// Validate reports the first parameter out of range as an EINVALID error.
func (p BuildParams) Validate() error {
	switch {
	case !(p.AssetsCatchment > 0 && p.AssetsCatchment <= 100000):
		return Errorf(EINVALID, "assets catchment %v m: want more than 0 and at most 100,000", p.AssetsCatchment)
	case !(p.LinkWorkerCatchment > 0 && p.LinkWorkerCatchment <= 100000):
		return Errorf(EINVALID, "link worker catchment %v m: want more than 0 and at most 100,000", p.LinkWorkerCatchment)
	case !(p.UnderservedDecile >= 1 && p.UnderservedDecile <= 10):
		return Errorf(EINVALID, "underserved decile %d: want 1 to 10", p.UnderservedDecile)
	case !(p.UnderservedPct >= 0 && p.UnderservedPct <= 1):
		return Errorf(EINVALID, "underserved provision percentile %v: want 0 to 1", p.UnderservedPct)
	case !(p.HotspotFDR > 0 && p.HotspotFDR < 1):
		return Errorf(EINVALID, "hotspot false discovery rate %v: want more than 0 and less than 1", p.HotspotFDR)
	}
	for i, w := range p.Weights {
		if !(w >= 0 && w <= 1) {
			return Errorf(EINVALID, "weight %d is %v: want 0 to 1", i+1, w)
		}
	}
	for _, m := range GapMetrics {
		if m == p.GapMetric {
			return nil
		}
	}
	return Errorf(EINVALID, "gap metric %q: want one of %s", p.GapMetric, strings.Join(GapMetrics[:], ", "))
}

// Key identifies the parameters, for the build's input keys.
func (p BuildParams) Key() string {
	b, _ := json.Marshal(p)
	return fmt.Sprintf("%x", sha256.Sum256(b))[:16]
}

// Build describes the metrics build of one edition: when, with which parameters, from which
// inputs, and the England values of every metric.
type Build struct {
	Edition    string            `json:"edition"`
	Params     BuildParams       `json:"params"`
	BuiltAt    time.Time         `json:"built_at"`
	Generation int64             `json:"generation"`
	Categories []string          `json:"categories"`
	England    map[string]any    `json:"england"`
	Report     BuildReport       `json:"report"`
	Keys       map[string]string `json:"-"`
}

// BuildReport says what a build did.
type BuildReport struct {
	Edition     string         `json:"edition"`
	UpToDate    bool           `json:"up_to_date"`
	Stages      []string       `json:"stages"` // stages recomputed: neighbours, assets, services, derived
	LSOAs       int            `json:"lsoas"`  // LSOAs with metrics
	Neighbours  int64          `json:"neighbour_pairs"`
	Isolated    int            `json:"isolated_lsoas"` // LSOAs with no contiguous neighbour
	Underserved int            `json:"underserved_lsoas"`
	Hotspots    int            `json:"hotspot_lsoas"` // Gi* z > 0 and significant after correction
	Coldspots   int            `json:"coldspot_lsoas"`
	Steps       []StepDuration `json:"steps"`
	Duration    time.Duration  `json:"duration_ns"`
}

// Aggregation says how a metric of LSOAs becomes the metric of a larger area (METHODS.md,
// "Aggregates").
type Aggregation string

const (
	AggNone  Aggregation = ""      // not aggregated (identifiers, LSOA-only values)
	AggSum   Aggregation = "sum"   // counts add
	AggMean  Aggregation = "mean"  // population-weighted mean of the LSOA values
	AggCount Aggregation = "count" // LSOAs where the boolean is true
)

// Column is one published metric or attribute: what a researcher needs to cite it.
type Column struct {
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	Unit       string      `json:"unit,omitempty"`
	Definition string      `json:"definition"`
	Section    string      `json:"methods_section"`
	Sources    []string    `json:"sources"`
	Levels     []string    `json:"levels"`
	Agg        Aggregation `json:"aggregation,omitempty"`
	// Rate columns of aggregates are recomputed from sums: Num / Den * Per.
	Num, Den string  `json:"-"`
	Per      float64 `json:"-"`
	// Disclosure marks counts of people, published under disclosure control.
	Disclosure bool `json:"disclosure_control,omitempty"`
	// Digits rounds published values (-1: not rounded).
	Digits int `json:"-"`
}

// Levels of geography, smallest first.
func Levels() []string { return []string{LevelLSOA, LevelMSOA, LevelLAD, LevelICB, LevelRegion} }

// CategoryKey turns a taxonomy category id into the part of a property name ("energy-fuel" ->
// "energy_fuel").
func CategoryKey(category string) string { return strings.ReplaceAll(category, "-", "_") }

// Sources of metrics, by kind, for the dictionary.
const (
	SourceDeprivation = "deprivation"
	SourceBoundaries  = "boundaries"
	SourcePopulation  = "population"
	SourceAssets      = "assets"
	SourceServices    = "services"
	SourceLookups     = "lookups"
)

// MetricColumns returns the metric columns a build adds, in publication order, for the given
// taxonomy categories.
func MetricColumns(categories []string) []Column {
	all := Levels()
	parents := all[1:]
	lsoa := []string{LevelLSOA}
	const (
		secNeed   = "Need"
		secProv   = "Provision"
		secGap    = "Gap and underserved areas"
		secAgg    = "Aggregates (MSOA, LAD, ICB, region)"
		secDisc   = "Disclosure control"
		assetsSrc = SourceAssets
	)
	cs := []Column{
		{Name: "need_pct", Type: TypeNumber, Unit: "fraction 0-1", Definition: "need percentile n = 1 - (IMD rank - 1)/(N - 1), N = LSOAs in the edition: 1 = most deprived LSOA in England; areas: population-weighted mean", Section: secNeed, Sources: []string{SourceDeprivation}, Levels: all, Agg: AggMean, Digits: 4},
		{Name: "assets_n", Type: TypeInteger, Unit: "places", Definition: "community assets inside the area", Section: secProv, Sources: []string{assetsSrc, SourceBoundaries}, Levels: all, Agg: AggSum, Digits: -1},
	}
	for _, c := range categories {
		cs = append(cs, Column{Name: "assets_n_" + CategoryKey(c), Type: TypeInteger, Unit: "places", Definition: "community assets of category " + c + " inside the area", Section: secProv, Sources: []string{assetsSrc, SourceBoundaries}, Levels: all, Agg: AggSum, Digits: -1})
	}
	cs = append(cs,
		Column{Name: "assets_per_1k", Type: TypeNumber, Unit: "places per 1,000 people", Definition: "assets_n / population x 1,000; areas: recomputed from the summed counts and populations", Section: secProv, Sources: []string{assetsSrc, SourcePopulation}, Levels: all, Num: "assets_n", Den: "population", Per: 1000, Digits: 4},
		Column{Name: "nearest_asset_m", Type: TypeNumber, Unit: "metres", Definition: "straight-line distance from the LSOA point to the nearest community asset of any category; areas: population-weighted mean", Section: secProv, Sources: []string{assetsSrc, SourceBoundaries}, Levels: all, Agg: AggMean, Digits: 0},
	)
	for _, c := range categories {
		cs = append(cs, Column{Name: "nearest_" + CategoryKey(c) + "_m", Type: TypeNumber, Unit: "metres", Definition: "straight-line distance from the LSOA point to the nearest asset of category " + c + " (null when there is none); areas: population-weighted mean", Section: secProv, Sources: []string{assetsSrc, SourceBoundaries}, Levels: all, Agg: AggMean, Digits: 0})
	}
	cs = append(cs,
		Column{Name: "assets_within_1600m", Type: TypeInteger, Unit: "places", Definition: "community assets within 1,600 m of the LSOA point; areas: population-weighted mean", Section: secProv, Sources: []string{assetsSrc, SourceBoundaries}, Levels: all, Agg: AggMean, Digits: 2},
		Column{Name: "assets_access_per_1k", Type: TypeNumber, Unit: "assets per 1,000 people", Definition: "E2SFCA accessibility to community assets (supply 1 per asset, catchment assets_catchment_m, three bands weighted by weights) x 1,000; areas: population-weighted mean", Section: secProv, Sources: []string{assetsSrc, SourcePopulation, SourceBoundaries}, Levels: all, Agg: AggMean, Digits: 4},
		Column{Name: "lw_fte", Type: TypeNumber, Unit: "FTE", Definition: "link worker full-time equivalents based inside the area", Section: secProv, Sources: []string{SourceServices, SourceBoundaries}, Levels: all, Agg: AggSum, Digits: 2},
		Column{Name: "lw_caseload", Type: TypeInteger, Unit: "people", Definition: "caseload of the link worker services based inside the area, where known; 1-7 suppressed (null, lw_caseload_suppressed true), others rounded to the nearest 5", Section: secDisc, Sources: []string{SourceServices}, Levels: all, Agg: AggSum, Disclosure: true, Digits: -1},
		Column{Name: "lw_fte_per_10k", Type: TypeNumber, Unit: "FTE per 10,000 people", Definition: "E2SFCA accessibility to link worker FTE (supply = FTE, catchment lw_catchment_m) x 10,000; areas: population-weighted mean", Section: secProv, Sources: []string{SourceServices, SourcePopulation, SourceBoundaries}, Levels: all, Agg: AggMean, Digits: 4},
		Column{Name: "provision_pct", Type: TypeNumber, Unit: "fraction 0-1", Definition: "percentile of the LSOA on the build's gap_metric within the edition, (rank - 1)/(N - 1) ranking from least to best provided, ties at the lowest, values ranked rounded to 12 significant digits so that equal values tie: 1 = best provided; areas: population-weighted mean", Section: "Provision", Sources: []string{assetsSrc, SourceServices, SourcePopulation}, Levels: all, Agg: AggMean, Digits: 4},
		Column{Name: "gap", Type: TypeNumber, Unit: "-1 to 1", Definition: "need_pct - provision_pct; above 0, need outruns provision; areas: population-weighted mean", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices}, Levels: all, Agg: AggMean, Digits: 4},
		Column{Name: "underserved", Type: TypeBoolean, Definition: "IMD decile <= underserved_max_decile and provision_pct <= underserved_max_provision_pct", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices}, Levels: lsoa, Digits: -1},
		Column{Name: "underserved_lsoas", Type: TypeInteger, Unit: "LSOAs", Definition: "LSOAs in the area flagged underserved", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices}, Levels: parents, Agg: AggCount, Num: "underserved", Digits: -1},
		Column{Name: "underserved_population", Type: TypeInteger, Unit: "people", Definition: "population of the area's underserved LSOAs (published population denominators, not suppressed)", Section: secGap, Sources: []string{SourceDeprivation, SourcePopulation}, Levels: parents, Agg: AggSum, Digits: -1},
		Column{Name: "gi_z", Type: TypeNumber, Unit: "z-score", Definition: "Getis-Ord Gi* of the gap over queen contiguity (LSOAs whose polygons touch or overlap), the LSOA included; |z| >= 1.96 is significant at 5% before correction; null for an LSOA with no neighbour that has a gap (its z would come from itself alone)", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices, SourceBoundaries}, Levels: lsoa, Digits: 3},
		Column{Name: "gi_p", Type: TypeNumber, Unit: "probability", Definition: "two-sided p-value of gi_z under the normal approximation; null where gi_z is", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices, SourceBoundaries}, Levels: lsoa, Digits: 6},
		Column{Name: "gi_sig", Type: TypeBoolean, Definition: "gi_p significant after Benjamini-Hochberg correction across the edition's LSOAs with a gi_p at false discovery rate hotspot_fdr; null where gi_z is", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices, SourceBoundaries}, Levels: lsoa, Digits: -1},
		Column{Name: "hotspot_lsoas", Type: TypeInteger, Unit: "LSOAs", Definition: "LSOAs in the area with gi_sig true and gi_z > 0 (need outruns provision among neighbours too)", Section: secGap, Sources: []string{SourceDeprivation, assetsSrc, SourceServices, SourceBoundaries}, Levels: parents, Agg: AggCount, Num: "hotspot", Digits: -1},
	)
	return cs
}

// InequalityMetric reports whether a column can be analysed across the deprivation gradient: a
// numeric LSOA value that is neither a rank or decile of deprivation itself nor a count of
// people under disclosure control.
func InequalityMetric(name string, categories []string) bool {
	for _, c := range Dictionary(categories) {
		if c.Name == name {
			return (c.Type == TypeNumber || c.Type == TypeInteger) && !c.Disclosure &&
				!strings.HasSuffix(name, "_rank") && !strings.HasSuffix(name, "_decile") &&
				slices.Contains(c.Levels, LevelLSOA)
		}
	}
	return false
}

// Round rounds v to digits decimals (digits < 0: unchanged).
func Round(v float64, digits int) float64 {
	if digits < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// Disclose applies METHODS.md disclosure control to a count of people published below national
// level: 1 to 7 are suppressed (ok false), others rounded to the nearest 5.
func Disclose(n int64) (v int64, ok bool) {
	if n >= 1 && n <= 7 {
		return 0, false
	}
	return (n + 2) / 5 * 5, true
}

// AreaRef names an area.
type AreaRef struct {
	Level string `json:"level"`
	Code  string `json:"code"`
	Name  string `json:"name,omitempty"`
}

// England is the code of England, the national level of every comparison.
const England = "E92000001"

// Standing is where an area's value stands among its peers.
type Standing struct {
	Area  AreaRef  `json:"area"`            // the peers: England, or the LAD or ICB containing the area
	Rank  *int     `json:"rank"`            // 1 = highest value
	Of    int      `json:"of"`              // areas ranked
	Pct   *float64 `json:"percentile"`      // (of - rank)/(of - 1): 1 = highest value
	Value any      `json:"value,omitempty"` // the peer area's own value (England, LAD, ICB)
}

// ProfileMetric is one metric of an area profile.
type ProfileMetric struct {
	Name      string     `json:"name"`
	Value     any        `json:"value"`
	Standings []Standing `json:"standings"`
}

// Nearby is an asset or service near an area's point.
type Nearby struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"` // asset or service
	Category  string   `json:"category,omitempty"`
	Provider  string   `json:"provider_type,omitempty"`
	FTE       *float64 `json:"fte,omitempty"`
	DistanceM float64  `json:"distance_m"`
	Lon       float64  `json:"lon"`
	Lat       float64  `json:"lat"`
}

// AreaProfile is everything spatlas knows of one area in one edition.
type AreaProfile struct {
	Edition         string          `json:"edition"`
	Area            AreaRef         `json:"area"`
	Parents         []AreaRef       `json:"parents"`
	Properties      json.RawMessage `json:"properties"`
	Metrics         []ProfileMetric `json:"metrics"`
	NearestAssets   []Nearby        `json:"nearest_assets"`
	NearestServices []Nearby        `json:"nearest_services"`
	Build           *Build          `json:"build"`
}

// UnderservedQuery selects underserved LSOAs.
type UnderservedQuery struct {
	Edition   string
	Area      string // LAD, ICB or region code, or England
	Limit     int
	MaxDecile int
	MaxPct    float64
}

// UnderservedArea is one underserved LSOA.
type UnderservedArea struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	LADCode        string   `json:"lad_code"`
	LADName        string   `json:"lad_name"`
	IMDDecile      int      `json:"imd_decile"`
	Population     int64    `json:"population"`
	NeedPct        float64  `json:"need_pct"`
	ProvisionPct   float64  `json:"provision_pct"`
	Gap            float64  `json:"gap"`
	GiZ            *float64 `json:"gi_z"`
	GiSig          bool     `json:"gi_sig"`
	NearestAsset   *Nearby  `json:"nearest_asset"`
	NearestService *Nearby  `json:"nearest_service"`
}

// UnderservedResult is the underserved LSOAs of an area: how many, how many people live in
// them, and the first of them by gap.
type UnderservedResult struct {
	Area       AreaRef           `json:"area"`
	Count      int64             `json:"count"`
	Population int64             `json:"population"`
	Areas      []UnderservedArea `json:"lsoas"`
}

// InequalityRow is one LSOA of an inequality calculation.
type InequalityRow struct {
	Value      float64
	Population float64
	Rank       int
	Decile     int
}

// DownloadQuery selects a researcher download.
type DownloadQuery struct {
	Edition string
	Level   string
	Area    string // "" or England for all
	Format  string // csv or geojson
	Build   *Build // the edition's build, nil when it has none: its metrics become columns
}

// Dataset is one loaded dataset file with its provenance.
type Dataset struct {
	Kind     string    `json:"kind"` // edition, assets, services
	Edition  string    `json:"edition,omitempty"`
	Dataset  string    `json:"dataset"`
	File     string    `json:"file"`
	SHA256   string    `json:"sha256,omitempty"`
	Bytes    int64     `json:"bytes,omitempty"`
	Rows     *int64    `json:"rows"`
	LoadedAt time.Time `json:"loaded_at"`
}

// AnalysisService is what the analysis endpoints need of a store.
type AnalysisService interface {
	// BuildInfo returns the latest metrics build of an edition; ENOTFOUND when there is none.
	BuildInfo(ctx context.Context, edition string) (Build, error)
	// Builds returns the latest build of every built edition.
	Builds(ctx context.Context) ([]Build, error)
	// AreaProfile returns the profile of an area of any level; ENOTFOUND for an unknown code.
	AreaProfile(ctx context.Context, edition, code string) (AreaProfile, error)
	// Underserved ranks the underserved LSOAs of an area by gap and hotspot z.
	Underserved(ctx context.Context, q UnderservedQuery) (UnderservedResult, error)
	// InequalityRows returns the LSOAs of an area with the metric's value; ENOTFOUND for an
	// unknown area.
	InequalityRows(ctx context.Context, edition, metric, area string) (AreaRef, []InequalityRow, error)
	// Download writes the areas of a level as CSV or GeoJSON.
	Download(ctx context.Context, q DownloadQuery, w io.Writer) error
	// Datasets lists the loaded dataset files with their provenance.
	Datasets(ctx context.Context) ([]Dataset, error)
}

// MetricProperties returns the published metric properties of areas of a level, in publication
// order; the boolean flags are queryable.
func MetricProperties(level string, categories []string) []Property {
	var ps []Property
	for _, c := range MetricColumns(categories) {
		if !slices.Contains(c.Levels, level) {
			continue
		}
		d := c.Definition
		if c.Unit != "" {
			d += " (" + c.Unit + ")"
		}
		ps = append(ps, Property{Name: c.Name, Type: c.Type, Description: d, Queryable: c.Type == TypeBoolean})
		if c.Disclosure {
			ps = append(ps, Property{Name: c.Name + "_suppressed", Type: TypeBoolean, Description: "true when " + c.Name + " is suppressed (1 to 7)"})
		}
	}
	return ps
}

// IsMetricProperty reports whether a property name is one a build publishes.
func IsMetricProperty(name string) bool {
	for _, c := range MetricColumns(nil) {
		if c.Name == name || c.Name+"_suppressed" == name {
			return true
		}
	}
	return strings.HasPrefix(name, "assets_n_") || (strings.HasPrefix(name, "nearest_") && strings.HasSuffix(name, "_m"))
}

// DownloadColumns returns the columns of a download of a level: the area's own properties, then
// the metrics when the edition is built.
func DownloadColumns(level string, categories []string, built bool) []string {
	var cols []string
	for _, p := range LevelProperties(level) {
		cols = append(cols, p.Name)
	}
	if built {
		for _, p := range MetricProperties(level, categories) {
			cols = append(cols, p.Name)
		}
	}
	return cols
}

// Dictionary returns every published column of every level, the areas' own properties first,
// then the metrics: what a researcher needs to cite each one.
func Dictionary(categories []string) []Column {
	var cols []Column
	at := map[string]int{}
	for _, level := range Levels() {
		for _, p := range LevelProperties(level) {
			if i, ok := at[p.Name]; ok {
				cols[i].Levels = append(cols[i].Levels, level)
				continue
			}
			at[p.Name] = len(cols)
			cols = append(cols, baseColumn(p, level))
		}
	}
	for _, c := range MetricColumns(categories) {
		cols = append(cols, c)
		if c.Disclosure {
			cols = append(cols, Column{Name: c.Name + "_suppressed", Type: TypeBoolean, Definition: "true when " + c.Name + " is 1 to 7 and shown as null", Section: c.Section, Sources: c.Sources, Levels: c.Levels})
		}
	}
	return cols
}

func baseColumn(p Property, level string) Column {
	c := Column{Name: p.Name, Type: p.Type, Definition: p.Description, Levels: []string{level}, Digits: -1,
		Section: "Editions and geography", Sources: []string{SourceBoundaries, SourceLookups}}
	switch {
	case p.Name == "population":
		c.Unit, c.Sources = "people", []string{SourcePopulation}
	case p.Name == "lsoa_count" || p.Name == "lsoa_decile1_count":
		c.Unit, c.Section, c.Sources = "LSOAs", "Aggregates (MSOA, LAD, ICB, region)", []string{SourceDeprivation, SourceLookups}
	case p.Name == "lsoa_decile1_pct":
		c.Unit, c.Section, c.Sources = "% of LSOAs", "Aggregates (MSOA, LAD, ICB, region)", []string{SourceDeprivation, SourceLookups}
	case p.Name == "imd_avg_rank":
		c.Unit, c.Section, c.Sources = "rank", "Aggregates (MSOA, LAD, ICB, region)", []string{SourceDeprivation, SourcePopulation, SourceLookups}
	case strings.HasSuffix(p.Name, "_rank"):
		c.Unit, c.Section, c.Sources = "rank", "Need", []string{SourceDeprivation}
	case strings.HasSuffix(p.Name, "_decile"):
		c.Unit, c.Section, c.Sources = "decile", "Need", []string{SourceDeprivation}
	case strings.HasSuffix(p.Name, "_score"):
		c.Unit, c.Section, c.Sources = "score", "Need", []string{SourceDeprivation}
	}
	return c
}
