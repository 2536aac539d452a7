// Package linkworkers reads social prescribing (link worker) services into spatlas.Service values:
// the national link worker layer built from NHS England's PCN workforce and practice files, and
// a generic services file (CSV or GeoJSON) for the provision the national data does not see,
// such as voluntary and community organisations and local authority schemes.
//
// # National link workers
//
// Link workers are counted per Primary Care Network (PCN) in the individual-level PCN workforce
// file (ReadWorkforce). A PCN is a group of GP practices (ReadPracticeMap), and each practice is
// placed from the newest source that has it (PracticeSources, locate.go): its postcode in NHS
// England's ODS epraccur file (ReadEpraccur, epraccur.go; no header row) through the postcode
// lookup, else its site in the NHS Choices practice files of 2014 (ReadPracticeLocations), else
// the practice map's postcode through the lookup; each service's LocatedBy names the file that
// placed it. PlacePCNLinkWorkers splits each PCN's FTE
// equally among its member practices that can be located and makes one service per practice;
// the FTE of a PCN none of whose practices can be located is reported, never dropped.
// LoadNational (national.go) does all of it from the data directory's folders.
//
// # Services files
//
// ReadServices (CSV, file.go) and ReadServicesGeoJSON (geojson.go) read one service per row or
// feature: name, provider_type, fte, an optional caseload, a location by longitude and latitude,
// by British National Grid easting and northing, or by postcode, and an optional catchment
// polygon; place.go checks each record and files it. The registry (internal/readers) chooses
// between them by the file's content, and the application layer (app.Provision.ReadFile) opens
// the file and records its provenance. testdata/services.csv and testdata/services.geojson are
// examples. Catchment rings are checked by geom.CheckRings.
//
// Every row read ends in exactly one of the Import's lists: Services, Rejected (wrong: bad
// coordinates, an unknown provider type), Unlocated (could not be placed) or Excluded, so that
// Import.RowsRead = len(Services) + len(Rejected) + len(Unlocated) + len(Excluded). Problems with
// a file as a whole (a missing column, a file that is not CSV or GeoJSON) are *spatlas.Error
// values with code EINVALID naming the file and line.
package linkworkers
