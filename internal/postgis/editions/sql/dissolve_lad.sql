-- $1 edition, $2 N (LSOAs in England in the edition). A LAD's shape is the dissolve of its LSOAs,
-- so it always agrees with the deprivation file's LAD codes. The union uses a 1 cm precision
-- grid: neighbouring LSOAs from generalised files meet along edges that differ by far less, and
-- a floating-point union leaves thousands of sliver rings between them (and is 7x slower).
-- wsum feeds imd_avg_rank: LSOA ranks taken in reverse order (most deprived = N), weighted by
-- population (METHODS.md, Aggregates). region_code and icb_code are set where every LSOA of the
-- district has the same one.
INSERT INTO stage_parent (level, code, name, n, d1, pop, wsum, region_code, icb_code, geom)
SELECT 'lad', l.lad_code, min(l.lad_name), count(*),
    count(*) FILTER (WHERE l.imd_decile = 1),
    sum(l.population),
    sum(l.population::float8 * ($2::int + 1 - l.imd_rank)),
    CASE WHEN count(DISTINCT l.region_code) = 1 AND count(l.region_code) = count(*) THEN min(l.region_code) END,
    CASE WHEN count(DISTINCT l.icb_code) = 1 AND count(l.icb_code) = count(*) THEN min(l.icb_code) END,
    ST_Multi(ST_CollectionExtract(ST_Union(l.geom, 0.01), 3))
FROM lsoa l
WHERE l.edition = $1 AND l.lad_code IS NOT NULL
GROUP BY l.lad_code
