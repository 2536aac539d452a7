-- The GiST index the load's first stage builds on stage_geom (postgis stage_geom_index.sql).
CREATE INDEX ON stage_geom USING gist (geom)
