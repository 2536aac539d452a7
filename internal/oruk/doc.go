// Package oruk reads community assets from Open Referral UK service directories: the UK profile
// of the Human Services Data Specification (HSDS 3.0) and the ORUK API that came before it. Read
// takes a saved JSON file (the registry's oruk format, internal/readers); Client.Fetch reads a
// live API page by page.
//
// oruk.go holds Read and its options, document.go the shapes of a document and its paging,
// records.go the JSON of the records, builder.go the filing of units.
//
// # What is accepted
//
// A document is one of:
//
//   - a bare JSON array of services (what many ORUK /services endpoints return);
//   - a paged list: an object with "contents" (HSDS 3: total_items, total_pages, page_number,
//     size, first_page, last_page, empty) or "content" (older ORUK APIs: totalElements,
//     totalPages, number, size, first, last), holding services or service_at_locations;
//   - a single service (HSDS 3 service_full);
//   - a single service_at_location (service_at_location_full): an object with "service" and
//     "location";
//   - an organisation with its services (organization_full): the services inherit the
//     organisation when they do not name one.
//
// A record is taken for a service when it has an "id" and at least one of "status",
// "organization", "service_at_locations" or "service"; anything else (an organisation list, a
// taxonomy, an error message) is an error naming the file and the record, so that a wrong
// endpoint never loads as an empty directory. Ids and text fields may be JSON strings or
// numbers. Latitude and longitude may be numbers or strings holding a number; any other value
// rejects the location with the reason.
//
// Locations are read from service_at_locations[].location (HSDS 3 and ORUK alike); addresses
// from location.addresses (HSDS 3) or location.physical_addresses (ORUK before HSDS 3), the
// first "physical" one first. Taxonomy terms, for the category, come from
// attributes[].taxonomy_term and taxonomy_terms[] (HSDS 3) and service_taxonomys[].taxonomy
// (ORUK before HSDS 3): each term's code and name, and its id unless that is a bare UUID.
// Audience types (pc_targetAudience[].audienceType, an openplace extension) become labels.
//
// # How records are counted
//
// The unit of the load report is one service at one place: a service with N service_at_locations
// gives N units, a service with none gives one. RowsRead counts units, and every unit ends in
// exactly one of Assets, Rejected, Unlocated and Excluded, so
//
//	RowsRead == len(Assets) + len(Rejected) + len(Unlocated) + len(Excluded).
//
// Totals["services"] is the number of service records read (a service_at_location record holds
// one service) and Totals["service_at_locations"] the number of service_at_locations among them.
// Row is the 1-based number of the service record in the file, or in the API's pages in order;
// it is shared by all units of a service. SourceID is "<service id>@<location id>" for a unit
// with a location (the service_at_location id, or "#k" for the k-th entry, stands in when the
// location has no id) and the service id alone for a service without locations.
//
// A unit goes to:
//
//   - Excluded when its SourceID was met earlier in the file ("duplicate of record N"), when the
//     service's status is set and is not "active", or when its location is virtual;
//   - Rejected when its location's coordinates are wrong (out of range, (0, 0), swapped, outside
//     England and Wales, not numbers: spatlas.CheckLonLat), or when the postcode lookup places
//     its postcode outside England and Wales;
//   - Unlocated when the service has no service_at_locations (list responses of most APIs carry
//     none: fetch each service in full) or its location has no coordinates and its postcode is
//     missing, or there is no postcode lookup, or the postcode is not in it;
//   - Assets otherwise, placed at the location's coordinates or else at its postcode.
//
// Categories are not decided here: an asset's Hints carry the service name, the taxonomy terms
// and the labels for the taxonomy to classify.
package oruk
