// Package provision imports community assets and link worker services into the store, one file
// at a time in one transaction: assets are placed, grouped with same-named assets nearby and
// joined to the LSOAs of both editions; every row is accounted for in the file's stored report.
// RemoveProvision (remove.go) takes a dataset, or one of its files, out again in one transaction:
// its asset source records and the assets no other file names, its services, and the file's
// record (report and provenance), whose id and generation the build keys its asset and service
// stages on. It also records the taxonomy's categories. Its statements are embedded from sql/.
package provision
