// Package engine is spatlas's in-memory access engine: a model of one edition (LSOA points,
// populations and need, the community assets and link worker services as supply sites, and a
// grid index of both) on which what-if scenarios and suggested sites are answered in the time
// of a click, without touching the stored data (METHODS.md, "Provision" and "Siting").
//
// # Consistency with the build
//
// A Model computes E2SFCA exactly as the build's SQL does: distances between LSOA points and
// sites in British National Grid metres, the catchment d0 split into three equal bands (d <= d0/3,
// d <= 2 d0/3, d <= d0) with the build's weights, R_j = S_j / sum P_k W(d_kj) (a site with no
// population in reach serves nobody), A_i = sum R_j W(d_ij), 0 for a point with no site in reach
// and NaN for an LSOA without a point. The provision percentile ranks the values rounded as
// PostgreSQL rounds them (the float converted to 15 significant digits, then to RankDigits
// significant digits, half away from zero), ties at the lowest rank; gap = need - provision;
// underserved = decile <= d AND pct <= p with SQL's three-valued AND. With no change, a Model
// reproduces the stored build to floating-point noise (the consistency test asserts 1e-9).
//
// # Incremental recomputation
//
// The populations behind R_j do not depend on the sites, so adding or removing site j changes
// only A_i for the points within d0 of j (a subset of the two catchments METHODS.md allows);
// those are recomputed in full, in the same order of sites as a full recomputation, so that the
// two agree to the bit. Percentiles move everywhere and are recomputed for every LSOA from the
// sorted base values, adjusted by the changed ones.
//
// # Siting
//
// Suggest solves maximal covering greedily with lazy evaluation (CELF): gains only shrink as
// sites are chosen, so a stale gain is an upper bound and only the top of the queue is
// re-evaluated. Ties go to the lower candidate index; a gain of 0 is never chosen.
// The need weight w_k is the need percentile (default), 1 (population only), or a metric's
// values scaled to 0-1 by the caller (SuggestRequest.Scaled; the application layer scales
// min-max over the edition's LSOAs, reversed where higher is better).
//
// The package knows nothing of PostGIS or HTTP: its Input is read by the store, its answers
// are served by the application layer.
package engine
