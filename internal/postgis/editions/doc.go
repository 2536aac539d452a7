// Package editions loads a deprivation edition into the store: the deprivation rows and
// boundaries are bulk-copied into staging tables, checked, and swapped in with their dissolved
// higher areas and generalised geometries in one transaction, so that readers see the previous
// edition until it commits. Its statements are embedded from sql/.
package editions
