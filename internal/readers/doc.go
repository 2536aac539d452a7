// Package readers is the one entry to spatlas's provision readers: every input format is a
// Reader of the same shape, Read(r io.Reader, o Options) (*spatlas.Import, error), and one
// registry (Formats) says which reader reads which format of which kind of provision.
//
// # Formats
//
//	kind      format    reader                        content
//	assets    csv       tabular.ReadAssets            CSV: , ; tab | or ¬ separated; header or not
//	assets    geojson   geoassets.ReadGeoJSON         a GeoJSON FeatureCollection or Feature
//	assets    osm       geoassets.ReadOSMGeoJSON      OpenStreetMap GeoJSON (ids such as node/123)
//	assets    overpass  geoassets.ReadOverpass        Overpass API JSON
//	assets    oruk      oruk.Read                     Open Referral UK JSON
//	services  csv       linkworkers.ReadServices      a services CSV
//	services  geojson   linkworkers.ReadServicesGeoJSON a services GeoJSON (OpenStreetMap GeoJSON too)
//
// A new format is one entry here and one reader of that shape. The national link worker layer,
// built from several files, is a use case of its own (linkworkers.LoadNational), not a format;
// so is a live Open Referral UK API (oruk.Client).
//
// # Telling formats apart by content
//
// Read picks the reader from the file's content, never its name, unless Options.Format names
// one (spatlas import -format). Sniff looks at the first SniffSize bytes (decompressed): a JSON
// array is Open Referral UK; a JSON object is told by its top-level members (elements:
// Overpass; features or a GeoJSON type: GeoJSON, or OpenStreetMap GeoJSON when the first
// features have OpenStreetMap ids; contents, content, services, service_at_locations, service,
// organization or status: Open Referral UK); text whose first line holds no control characters
// is CSV. When it cannot tell, or the content is of a format the kind has no reader for, Read
// returns an EINVALID *spatlas.Error naming the file, the formats it tried and the -format
// values to pass.
//
// # Text
//
// Read decodes every file to UTF-8 first (textio.Decode: UTF-8 with or without a byte order
// mark, UTF-16, Windows-1252, or Options.Encoding), so that sniffing and every reader see text;
// a byte that is not text in a file read as UTF-8 stops the read naming the file, line and
// column. A CSV file's separator is told from its first lines (textio.SniffSeparator) unless
// Options.Separator names it; Options.NoHeader reads a file without a header row, its columns
// named by number.
//
// # Mappings and warnings
//
// Options.Mapping names CSV columns and GeoJSON or OpenStreetMap properties alike; what it
// leaves out is found among the presets every format shares (tabular.DefaultPresets). Warnings,
// called once an import's assets are categorised, says when most of them have no name or are in
// "other", naming the fields the records have.
package readers
