-- $1 edition, $2 level ('lad' or 'icb'), $3 N, the LSOAs in England in the edition.
-- The area's shape is the dissolve of its LSOAs, so it always agrees with the deprivation file's
-- codes. The union runs in British National Grid metres with a 1 cm precision grid: neighbouring
-- LSOAs from generalised files meet along edges that differ by far less than that, and a
-- floating-point union would leave thousands of sliver rings between them (and take 7x longer).
-- imd_avg_rank is MHCLG's "average rank": the population-weighted mean of the LSOA ranks
-- taken in reverse order (most deprived = N), so higher is more deprived (METHODS.md, Aggregates).
INSERT INTO area (edition, level, code, props, geom)
SELECT $1, $2::text, k.code,
    jsonb_build_object(
        'code', k.code, 'name', k.name, 'lsoa_count', k.n, 'lsoa_decile1_count', k.d1,
        'lsoa_decile1_pct', round(100.0 * k.d1 / k.n, 1),
        'imd_avg_rank', round((k.wsum / nullif(k.pop, 0))::numeric, 2),
        'population', k.pop),
    ST_Transform(k.geom, 4326)
FROM (
    SELECT CASE WHEN $2::text = 'lad' THEN l.lad_code ELSE l.icb_code END AS code,
        min(CASE WHEN $2::text = 'lad' THEN l.lad_name ELSE l.icb_name END) AS name,
        count(*) AS n,
        count(*) FILTER (WHERE l.imd_decile = 1) AS d1,
        sum(l.population) AS pop,
        sum(l.population::float8 * ($3::int + 1 - l.imd_rank)) AS wsum,
        ST_Multi(ST_CollectionExtract(ST_Union(l.geom, 0.01), 3)) AS geom
    FROM lsoa l
    WHERE l.edition = $1
    GROUP BY 1
) k
WHERE k.code IS NOT NULL
