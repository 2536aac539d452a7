-- The points of the records that become new assets, narrow, with a spatial index, for the LSOA
-- join driven by the polygons.
CREATE TEMP TABLE provision_new_points ON COMMIT DROP AS
SELECT ord, geom FROM provision_placed WHERE leader = ord AND match_id IS NULL
