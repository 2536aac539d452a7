-- Dissolved higher areas of the edition being loaded, in British National Grid metres. lad_code,
-- region_code and icb_code name the area of that level holding all of the area's LSOAs (null
-- where there is none, or where the level is not published for the area's own level).
CREATE TEMP TABLE stage_parent (
    level text, code text, name text, n bigint, d1 bigint, pop numeric, wsum float8,
    lad_code text, region_code text, icb_code text,
    geom geometry(MultiPolygon, 27700)
) ON COMMIT DROP
