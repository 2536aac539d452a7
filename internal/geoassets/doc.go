// Package geoassets reads community assets from GeoJSON files, from OpenStreetMap data converted
// to GeoJSON (osmtogeojson, Overpass Turbo exports) and from Overpass API JSON, into a
// spatlas.Import.
//
// # Accounting for every feature
//
// Every feature (every tagged element, for Overpass JSON) counts in Import.RowsRead and ends in
// exactly one of Assets, Rejected, Unlocated or Excluded, with Row the 1-based position of the
// feature in the file (the element's position in the elements array, for Overpass JSON).
// Problems with one feature (coordinates at latitude 100, at (0, 0), with latitude and longitude
// swapped or outside England and Wales, a LineString, a broken geometry) reject that feature with
// a reason; only problems with the file as a whole (not JSON, not GeoJSON, an unsupported crs, an
// Overpass error remark) return an EINVALID *spatlas.Error naming the file and the byte offset or
// feature.
//
// # Geometry
//
//   - Point: the asset's location (longitude, latitude in SRID 4326, or easting, northing in
//     SRID 27700 when the file's legacy crs member says EPSG:27700).
//   - MultiPoint: its first point.
//   - Polygon and MultiPolygon: Location.Area holds the geometry as WKB; X, Y hold a point inside
//     it (geom.InteriorPoint), only so that the row is checked like a point before the store;
//     the store places the asset at ST_PointOnSurface of the area. Rings must be closed and have
//     4 positions or more (geom.CheckRings).
//   - LineString and MultiLineString: rejected in plain GeoJSON, where a line is not a place. In
//     OpenStreetMap GeoJSON a line is a way that still denotes a place (a footpath, a pitch drawn
//     unclosed), so the asset goes at the point half-way along the (longest) line.
//   - No geometry (null): placed from its coordinate properties (Options.Coords: longitude and
//     latitude, else easting and northing, as CSV columns), else unlocated with the reason "no
//     geometry", unless Options.Postcodes is given and the feature's postcode is in it; the
//     asset is then placed at the postcode.
//   - GeometryCollection: rejected.
//
// The crs member of pre-RFC 7946 GeoJSON is honoured: CRS84 and EPSG:4326 (read as longitude,
// latitude, as GeoJSON writers do in practice) give SRID 4326, EPSG:27700 gives British National
// Grid; any other crs is a file error. Features are read as they come, so a crs member naming
// EPSG:27700 must come before the features (ogr2ogr and QGIS write it first).
//
// # Names and categories
//
// Names have their whitespace trimmed and collapsed. A name of "Unknown" counts as no name (the
// Ordnance Survey places-of-worship file uses it for unnamed buildings): the asset is kept with
// Name "" and its category hints. This package does not classify: it fills spatlas.CategoryHints
// (OpenStreetMap tags, free-text labels from the label properties, the name) and leaves
// Asset.Category empty unless Options.Category fixes it for the whole file.
//
// For OpenStreetMap GeoJSON every string property except the id ("id", "@id" and other
// "@"-prefixed metadata) is a tag; non-string values (such as an application's mapFeature
// object) are ignored. Nested osmtogeojson properties ({"type", "id", "tags": {...}}) are read too.
// The name is the name tag, else brand, else operator (an unnamed pitch run by a school is better
// shown under the school's name than under none); the address is addr:housename, addr:housenumber
// with addr:street (or addr:place), and addr:city; the postcode addr:postcode; the URL website,
// contact:website or url; the source id the OSM id ("node/123").
//
// Overpass API JSON: nodes are placed at lat/lon, ways and relations at center (from "out
// center"), else the middle of bounds ("out bb"), else from their own positions: the geometry of
// "out geom", or the nodes (and, for relations, the member ways) an "out body; >; out skel"
// export carries. A closed way, or a relation whose outer ways join into rings, is placed at a
// point on the surface of its area (kept as the asset's area, as for GeoJSON polygons); an open
// way half-way along. Elements without tags are the member nodes of ways, not assets, and are not
// counted as rows read. Tagged elements with no position are unlocated ("way without center or
// the positions of its nodes: ..."). A remark reporting an error (a query that timed out returns
// partial data) is a file error.
//
// OpenStreetMap features that are not places people go (highway, waterway, railway, landuse,
// boundary, natural, power, barrier, route, place and the like, without an amenity, leisure,
// shop, office, social_facility, healthcare, craft, club, tourism, sport or emergency tag) are
// Excluded with the reason, in both OpenStreetMap GeoJSON and Overpass JSON; the land uses and
// natural features the taxonomy places (allotments, recreation grounds, woods, beaches) are kept.
//
// Property names are the presets every reader of assets shares (tabular.DefaultPresets), matched
// exactly and then whatever their case, spacing and punctuation; a mapping names others
// (Options.Mapped: a file where no feature has one is an error listing the properties the
// features have), and its exclude rules apply as for CSV. Names have HTML entities decoded.
//
// Geometries are decoded with orb/geojson through internal/geom. Telling GeoJSON, OpenStreetMap
// GeoJSON and Overpass JSON apart from a file's content is the registry's work (internal/readers).
package geoassets
