// Package provision imports community assets and link worker services into the store, one file
// at a time in one transaction: assets are placed, grouped with same-named assets nearby and
// joined to the LSOAs of both editions; every row is accounted for in the file's stored report.
// It also records the taxonomy's categories. Its statements are embedded from sql/.
package provision
