-- A spatial index on the points of the new assets.
CREATE INDEX ON provision_new_points USING gist (geom)
