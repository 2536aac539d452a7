-- Dissolved higher areas of the edition being loaded, in British National Grid metres.
CREATE TEMP TABLE stage_parent (
    level text, code text, name text, n bigint, d1 bigint, pop numeric, wsum float8,
    geom geometry(MultiPolygon, 27700)
) ON COMMIT DROP
