package app

import (
	"regexp"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// recipe says where an edition's inputs are in a data directory.
type recipe struct {
	deprivation    fileSet   // deprivation files, merged by LSOA code
	scores         *fileSet  // optional files used only for the IMD score when no other file has one
	boundaries     string    // dataset folder of LSOA polygons
	boundaryFields []string  // feature properties that hold the LSOA code
	nameFields     []string  // ... and the LSOA name
	names          *lookup   // optional: LSOA names and LAD codes where the deprivation files lack them
	icb            *lookup   // optional: LSOA -> ICB
	msoa           *lookup   // optional: LSOA -> MSOA
	msoaNames      *areaSet  // optional, where msoa is nil: MSOA codes by name (an LSOA is named after its MSOA plus a letter)
	region         *lookup   // optional: LAD -> region; its code column is the LAD code
	regionFallback *lookup   // optional: LSOA -> region, for LSOAs whose LAD the region lookup lacks
	population     *fileSet  // optional: census population when no deprivation file has a denominator
	centroids      []fileSet // optional: population-weighted centroids; the first set with files is used
}

// fileSet is the files of one dataset folder whose names match.
type fileSet struct {
	dataset string
	match   *regexp.Regexp
}

// lookup is a lookup table: the file, the key column (an LSOA code, or a LAD code for regions)
// and the columns of the area's code and name.
type lookup struct {
	fileSet
	code, areaCode, areaName string
}

// areaSet is a GeoJSON file of areas, read for the codes and names of its features only.
type areaSet struct {
	fileSet
	codeFields, nameFields []string
}

func recipeFor(ed spatlas.Edition) recipe {
	switch ed.ID {
	case "iod2019":
		return recipe{
			deprivation:    fileSet{"imd2019", regexp.MustCompile(`(?i)^File_[12567]_.*\.csv(\.gz)?$`)},
			scores:         &fileSet{"composite-uk-imd", regexp.MustCompile(`(?i)^UK_IMD_E\.csv(\.gz)?$`)},
			boundaries:     "lsoa2011-boundaries",
			boundaryFields: []string{"LSOA11CD", "lsoa11cd", "code"},
			nameFields:     []string{"LSOA11NM", "lsoa11nm", "name"},
			icb: &lookup{
				fileSet: fileSet{"geography-lookups", regexp.MustCompile(`^lookup_lsoa11_sicbl22_icb22_ltla22\.csv(\.gz)?$`)},
				code:    "lsoa11_code", areaCode: "icb22_code", areaName: "icb22_name",
			},
			msoa: &lookup{
				fileSet: fileSet{"oa11-lsoa11-msoa11-lad17-lookup-gb", regexp.MustCompile(`(?i)\.csv(\.gz)?$`)},
				code:    "LSOA11CD", areaCode: "MSOA11CD", areaName: "MSOA11NM",
			},
			// The deprivation file's LAD 2019 codes, mapped to regions by the lookup of every LAD code
			// since 2011; an LSOA whose LAD it lacks takes the 2011 region of the output area lookup.
			region: &lookup{
				fileSet: fileSet{"geography-lookups", regexp.MustCompile(`^la_all_codes\.csv(\.gz)?$`)},
				code:    "LADCD", areaCode: "RGNCD", areaName: "RGNNM",
			},
			regionFallback: &lookup{
				fileSet: fileSet{"oa11-lsoa11-msoa11-lad17-lookup-gb", regexp.MustCompile(`(?i)\.csv(\.gz)?$`)},
				code:    "LSOA11CD", areaCode: "RGN11CD", areaName: "RGN11NM",
			},
		}
	case "iod2025":
		return recipe{
			deprivation:    fileSet{"imd2025", regexp.MustCompile(`(?i)^(File_[17]_.*|imd2025_england_lsoa21)\.csv(\.gz)?$`)},
			boundaries:     "lsoa2021-boundaries-bgc",
			boundaryFields: []string{"LSOA21CD", "lsoa21cd", "code"},
			nameFields:     []string{"LSOA21NM", "lsoa21nm", "name"},
			names: &lookup{
				fileSet: fileSet{"geography-lookups", regexp.MustCompile(`^lookup_lsoa21_ward24_ltla24\.csv(\.gz)?$`)},
				code:    "lsoa21_code", areaCode: "ltla24_code", areaName: "ltla24_name",
			},
			icb: &lookup{
				fileSet: fileSet{"geography-lookups", regexp.MustCompile(`^lookup_lsoa21_icb24\.csv(\.gz)?$`)},
				code:    "lsoa21_code", areaCode: "icb24_code", areaName: "icb24_name",
			},
			// The MSOA 2011 -> 2021 lookup lacks 81 English MSOAs 2021; the boundary file names all.
			msoaNames: &areaSet{
				fileSet:    fileSet{"msoa2021-boundaries", regexp.MustCompile(`(?i)\.(geo)?json(\.gz)?$`)},
				codeFields: []string{"msoa21_code", "MSOA21CD"},
				nameFields: []string{"msoa21_name", "MSOA21NM"},
			},
			region: &lookup{
				fileSet: fileSet{"geography-lookups", regexp.MustCompile(`^lookup_ltla24_region24\.csv(\.gz)?$`)},
				code:    "ltla24_code", areaCode: "region24_code", areaName: "region24_name",
			},
			population: &fileSet{"census2021-population-lsoa21", regexp.MustCompile(`^census21_pop_lsoa21_age6\.csv(\.gz)?$`)},
			centroids: []fileSet{
				{"lsoa2021-pwc", regexp.MustCompile(`(?i)\.csv(\.gz)?$`)},
				{"lsoa2021-pwc-sample", regexp.MustCompile(`(?i)\.csv(\.gz)?$`)},
			},
		}
	}
	return recipe{}
}
