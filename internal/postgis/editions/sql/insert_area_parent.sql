-- $1 edition, $2 level: the dissolved areas of that level with their published properties. MSOAs
-- also name their district and region, districts their region and ICB (null when split).
INSERT INTO area (edition, level, code, props, geom)
SELECT $1, p.level, p.code,
    jsonb_build_object(
        'code', p.code, 'name', p.name, 'lsoa_count', p.n, 'lsoa_decile1_count', p.d1,
        'lsoa_decile1_pct', round(100.0 * p.d1 / p.n, 1),
        'imd_avg_rank', round((p.wsum / nullif(p.pop, 0))::numeric, 2),
        'population', p.pop)
    || CASE p.level
        WHEN 'msoa' THEN jsonb_build_object('lad_code', p.lad_code, 'region_code', p.region_code)
        WHEN 'lad' THEN jsonb_build_object('region_code', p.region_code, 'icb_code', p.icb_code)
        ELSE '{}'::jsonb
    END,
    ST_Transform(p.geom, 4326)
FROM stage_parent p
WHERE p.level = $2
