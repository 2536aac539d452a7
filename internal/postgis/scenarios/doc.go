// Package scenarios is the store stage of planning: it reads an edition for the in-memory
// access engine (LSOA points as EWKB decoded with go-geom, populations, IMD ranks, every asset
// and link worker service; in one backend, see sql/serial.sql), reads the published value of a
// numeric LSOA metric for need weights, projects a planner's lon/lat sites to British National
// Grid metres, and keeps what-if scenarios in a table of their own (migration 00008), which
// never touches the loaded data.
package scenarios
