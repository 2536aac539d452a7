// Package tabular reads community assets from CSV files and postcode locations from the ONS
// postcode directories.
//
// ReadAssets reads one CSV file of assets (the registry's csv format of assets, internal/readers)
// through a Mapping that names its columns; what a mapping leaves out is found among the presets
// every reader of assets shares (DefaultPresets: "name", "site_name", "title", "organisation_name",
// "type", "site_type", "lat", "longitude", "postcode", ...), matched whatever their case, spacing
// and punctuation (PresetKey). Mapping.Layout gives the separator and whether the file has a
// header row; without one, columns are named by number ("1" the first). The NHS ODS epraccur
// layout (27 fields, no header) is recognised by its first row (IsEpraccur) and read through
// EpraccurMapping: active GP practices are health services, closed, dormant and proposed ones
// and other prescribing settings are excluded with the reason. Names have HTML entities decoded
// (Unescape); coordinates may have a decimal comma. Every data row ends in exactly one of the
// Import's lists:
//
//   - Assets: rows with a usable location, from longitude and latitude (EPSG:4326), from easting
//     and northing (EPSG:27700), or from a postcode found in the postcode lookup;
//   - Rejected: rows that are wrong (coordinates out of range, swapped, at (0, 0), outside
//     England and Wales, not numbers, half missing; a row with neither name nor id);
//   - Unlocated: rows that could not be placed (a postcode and no lookup, a postcode the lookup
//     lacks, no location at all);
//   - Excluded: rows a mapping's exclude rule says are not current provision (a closed library);
//     a rule excludes given values, or every value but the ones it excepts.
//
// "", "NA" and "N/A" are missing values everywhere. Categories are left to the taxonomy: the
// importer passes the mapping's category column and label columns as CategoryHints.Labels, the
// name as CategoryHints.Name, and category_fixed (or category_default, for rows with no label) as
// CategoryHints.Category.
//
// ReadPostcodes and LoadPostcodes read a postcode lookup into a compact sorted table (16 bytes a
// postcode: about 28 MB for the 1.75 million postcodes of Code-Point Open, 43 MB for the 2.7
// million of the full ONS directory). Two layouts are told apart by the first line: the ONS
// Postcode Directory or the National Statistics Postcode Lookup (pcds, lat and long), and OS
// Code-Point Open (postcode, positional quality, eastings and northings in British National Grid
// metres), with its header row or without, as the publisher ships its per-area files.
// LoadPostcodes reads one file, gzipped or not, a zip archive or a folder of such files. Code-Point
// positions are kept as eastings and northings and converted to WGS84 on lookup (bng.go: the
// inverse Transverse Mercator of the OS guide, then the OSGB36 to WGS84 Helmert transformation
// PostGIS uses for EPSG:27700, so that the store's transformation back to the grid lands on the
// original metre). Postcodes are matched on their letters and digits, case folded, spaces
// ignored.
package tabular
