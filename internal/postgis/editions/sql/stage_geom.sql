CREATE TEMP TABLE stage_geom (
    code text, name text, geom geometry, file text, feature int
) ON COMMIT DROP
