package spatlas

import (
	"context"
	"time"
)

// Boundary is one area polygon as read from a source file, its geometry as WKB in the file's CRS.
type Boundary struct {
	Code    string
	Name    string
	WKB     []byte
	SRID    int // 4326 or 27700
	File    string
	Feature int // 1-based position in File
}

// Parent is a higher area an LSOA belongs to (an ICB, say), from a lookup.
type Parent struct {
	Code string
	Name string
}

// SourceFile is one input file of a load, for provenance.
type SourceFile struct {
	Dataset string `json:"dataset"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
	Bytes   int64  `json:"bytes"`
	Rows    int64  `json:"rows"`
}

// EditionData is everything one edition is built from, parsed and ready to store.
type EditionData struct {
	Edition Edition
	LSOAs   []LSOADeprivation // sorted by code, one per code
	ICB     map[string]Parent // LSOA code -> ICB; nil when no lookup is loaded
	MSOA    map[string]Parent // LSOA code -> MSOA; nil when no lookup is loaded
	Region  map[string]Parent // LSOA code -> region (by the LSOA's LAD); nil when no lookup is loaded
	// Boundaries streams the LSOA polygons; it may run while the store copies what it yields.
	Boundaries func(ctx context.Context, yield func(Boundary) error) error
	Sources    []SourceFile
	// Centroids are population-weighted centroids in British National Grid metres, by LSOA code;
	// LSOAs without one get ST_PointOnSurface of their polygon (METHODS.md, Editions).
	Centroids        map[string][2]float64
	CentroidSource   string
	PopulationSource string // which file the population denominators come from
	ScoreSource      string // which file the IMD scores come from ("" when none)
}

// Count is a number of things with a few examples of them, for load reports.
type Count struct {
	Count  int64    `json:"count"`
	Sample []string `json:"sample,omitempty"`
}

// LoadReport says what a load did, so that every input row can be accounted for.
type LoadReport struct {
	Edition    string `json:"edition"`
	Skipped    bool   `json:"skipped,omitempty"` // sources unchanged since the last load
	Generation int64  `json:"generation,omitempty"`
	LSOAs      int64  `json:"lsoas"`
	Boundaries int64  `json:"boundaries_read"`
	Repaired   int64  `json:"geometries_repaired"`
	LADs       int64  `json:"lads"`
	ICBs       int64  `json:"icbs"`
	MSOAs      int64  `json:"msoas"`
	Regions    int64  `json:"regions"`
	// Deprivation rows whose LSOA has no boundary: loaded without geometry, never dropped.
	WithoutBoundary Count `json:"deprivation_without_boundary"`
	// Boundary features with no deprivation row (Wales, in the LSOA 2021 files): not loaded.
	WithoutDeprivation Count `json:"boundaries_without_deprivation"`
	// LSOA points: population-weighted centroids loaded, and the rest (point on surface).
	Centroids        int64          `json:"points_population_weighted"`
	PointsOnSurface  int64          `json:"points_on_surface"`
	CentroidSource   string         `json:"centroid_source,omitempty"`
	PopulationSource string         `json:"population_source"`
	ScoreSource      string         `json:"score_source,omitempty"`
	Sources          []SourceFile   `json:"sources"`
	Steps            []StepDuration `json:"steps,omitempty"`
	Duration         time.Duration  `json:"duration_ns"`
}

// StepDuration times one step of a load.
type StepDuration struct {
	Step     string        `json:"step"`
	Duration time.Duration `json:"duration_ns"`
}

// EditionStore is what loading needs of a store.
type EditionStore interface {
	// Provenance returns the source files recorded for the last load of an edition.
	Provenance(ctx context.Context, edition string) ([]SourceFile, error)
	// LoadEdition replaces an edition's data, atomically.
	LoadEdition(ctx context.Context, d EditionData) (LoadReport, error)
}

// SameSources reports whether two lists of source files have the same files and checksums.
func SameSources(a, b []SourceFile) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[SourceFile]int, len(a))
	for _, s := range a {
		seen[SourceFile{Dataset: s.Dataset, File: s.File, SHA256: s.SHA256}]++
	}
	for _, s := range b {
		k := SourceFile{Dataset: s.Dataset, File: s.File, SHA256: s.SHA256}
		if seen[k] == 0 {
			return false
		}
		seen[k]--
	}
	return true
}
