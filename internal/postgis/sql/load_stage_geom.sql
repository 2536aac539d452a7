CREATE TEMP TABLE stage_geom (
    code text, name text, wkb bytea, srid int, file text, feature int
) ON COMMIT DROP
