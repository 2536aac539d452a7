package spatlas

// Domains are the seven domains of the Indices of Deprivation, in the order of the official files,
// by the short names spatlas publishes them under (<domain>_rank, <domain>_decile, <domain>_score).
var Domains = [7]string{"income", "employment", "education", "health", "crime", "housing", "environment"}

// Measure is one index or domain of deprivation for one LSOA. Nil fields were not in the loaded
// files (IoD2019 publishes domain scores only in File 5 and File 7, for example).
type Measure struct {
	Rank   *int32
	Decile *int16
	Score  *float64
}

// LSOADeprivation is what the deprivation files say of one LSOA. Fields a file does not carry
// stay empty, so that records from several files of one release can be merged.
type LSOADeprivation struct {
	Code       string
	Name       string
	LADCode    string
	LADName    string
	IMD        Measure
	Domain     [7]Measure // indexed like Domains
	Population *int64     // the release's population denominator, when a file gives it
}
