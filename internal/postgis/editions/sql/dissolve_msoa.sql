-- $1 edition, $2 N. An MSOA's shape is the dissolve of its LSOAs on the 1 cm grid of the LAD
-- dissolve, its figures those of its LSOAs (METHODS.md, Aggregates). lad_code and region_code are
-- set where every LSOA of the MSOA has the same one (MSOAs nest in districts).
INSERT INTO stage_parent (level, code, name, n, d1, pop, wsum, lad_code, region_code, geom)
SELECT 'msoa', l.msoa_code, min(l.msoa_name), count(*),
    count(*) FILTER (WHERE l.imd_decile = 1),
    sum(l.population),
    sum(l.population::float8 * ($2::int + 1 - l.imd_rank)),
    CASE WHEN count(DISTINCT l.lad_code) = 1 AND count(l.lad_code) = count(*) THEN min(l.lad_code) END,
    CASE WHEN count(DISTINCT l.region_code) = 1 AND count(l.region_code) = count(*) THEN min(l.region_code) END,
    ST_Multi(ST_CollectionExtract(ST_Union(l.geom, 0.01), 3))
FROM lsoa l
WHERE l.edition = $1 AND l.msoa_code IS NOT NULL
GROUP BY l.msoa_code
