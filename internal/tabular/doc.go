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
// ReadPostcodes reads the ONS Postcode Directory or the National Statistics Postcode Lookup (the
// pcds, lat and long columns) into a compact sorted table: 16 bytes a postcode, about 43 MB for
// the 2.7 million postcodes of the full directory.
package tabular
