// Package stats holds the statistics spatlas publishes about areas: inequality of a metric by
// deprivation (population-weighted means by IMD decile, the quintile ratio and difference, the
// slope and relative indices of inequality and the concentration index), and the hotspot
// statistics of the gap (Getis-Ord Gi* z-scores, their p-values and the Benjamini-Hochberg
// false discovery rate flag).
//
// It is pure computation on slices: no database, no I/O, standard library only. The HTTP server
// calls [Compute] for GET /api/inequality; the metrics build calls [Hotspots] ([GetisOrdStar],
// [NormalTwoSidedP] and [BenjaminiHochberg]) for hotspots. Definitions follow METHODS.md
// ("Gap and underserved areas" and "Inequality by deprivation"); each function's comment says
// exactly what it computes.
//
// # Missing values
//
// Values that cannot be computed (a ratio over zero, a standard error from one area, a
// confidence interval without standard errors) are NaN, never an error: callers that encode
// JSON must write NaN as null. Errors are returned only for input that is wrong (a decile
// outside 1..10, options out of range) or when there is nothing to compute on; they wrap
// [ErrNoData] or [ErrInvalid] so that callers can map them to their own error codes.
package stats
