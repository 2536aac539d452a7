-- The LSOA join of a large import groups a few million rows: in memory, not spilled to disk.
SET LOCAL work_mem = '256MB'
