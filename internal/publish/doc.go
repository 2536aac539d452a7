// Package publish holds the rules of METHODS.md that turn the metrics the build computes for each
// LSOA into the figures spatlas publishes, as pure functions over values:
//
//   - Aggregates ("Aggregates (MSOA, LAD, ICB, region)"): counts add, rates are recomputed from
//     the summed counts and populations, everything else is the population-weighted mean of the
//     LSOAs' values; underserved_lsoas, underserved_population and hotspot_lsoas count the
//     flagged LSOAs.
//   - Publishing: only the columns of an area's level, each rounded to its stated digits and
//     typed (integers whole, booleans true or false, a value that cannot be computed null).
//   - Disclosure control ("Disclosure control"): a caseload of 1 to 7 people is suppressed and
//     flagged, others rounded to the nearest 5, below national level only.
//
// The store reads each LSOA's metrics as [Metrics], calls [Areas] and writes what it returns;
// nothing here touches a database.
package publish
