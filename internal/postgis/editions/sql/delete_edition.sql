-- Removes an edition and, by cascade, its LSOAs, areas, generalised geometries, collections and
-- provenance. Every cascade is backed by an index whose leading columns are the foreign key.
DELETE FROM edition WHERE id = $1
