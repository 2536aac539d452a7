-- A spatial index on the placed points, so that the LSOA join can go polygon by polygon.
CREATE INDEX ON placed USING gist (geom)
