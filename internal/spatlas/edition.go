package spatlas

// Edition pairs a deprivation release with the geography it was published on (METHODS.md,
// "Editions and geography"). Every area, metric and download carries its edition.
type Edition struct {
	ID          string // "iod2019"
	Title       string // "English Indices of Deprivation 2019"
	LSOAVintage int    // 2011 or 2021: the LSOA definitions the release uses
	LADVintage  int    // the LAD codes of the deprivation file (2019, 2024)
	LSOACount   int    // LSOAs in England in this edition: the N of need percentiles
	// Datasets lists the SPATLAS_DATA dataset folders this edition is built from. The first
	// ones are required; the Optional ones are used when present.
	Datasets []string
	Optional []string
}

// Editions returns the editions spatlas knows, oldest first.
func Editions() []Edition {
	return []Edition{
		{
			ID: "iod2019", Title: "English Indices of Deprivation 2019",
			LSOAVintage: 2011, LADVintage: 2019, LSOACount: 32844,
			Datasets: []string{"imd2019", "lsoa2011-boundaries"},
			Optional: []string{"composite-uk-imd", "geography-lookups"},
		},
		{
			ID: "iod2025", Title: "English Indices of Deprivation 2025",
			LSOAVintage: 2021, LADVintage: 2024, LSOACount: 33755,
			Datasets: []string{"imd2025", "lsoa2021-boundaries-bgc", "geography-lookups"},
			Optional: []string{"census2021-population-lsoa21"},
		},
	}
}

// EditionByID returns the edition with the given id, or an EINVALID error naming the known ones.
func EditionByID(id string) (Edition, error) {
	for _, e := range Editions() {
		if e.ID == id {
			return e, nil
		}
	}
	return Edition{}, Errorf(EINVALID, "unknown edition %q (known: iod2019, iod2025)", id)
}
