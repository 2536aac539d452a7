// Package build computes the need-versus-provision metrics of an edition (METHODS.md) in one
// transaction, in stages that rerun only when their hashed inputs change: neighbours, assets
// (E2SFCA, counts, distances), services (E2SFCA of link worker FTE), and the derived figures
// (percentiles, gap, underserved flag, Gi* hotspots via package stats). It then publishes each
// area's properties through package publish, and reads back what was built. Its statements are
// embedded from sql/.
package build
