CREATE INDEX ON stage_geom USING gist (geom)
