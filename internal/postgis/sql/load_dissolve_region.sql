-- $1 edition, $2 N. Regions are made of whole LADs (the region lookup is by LAD): dissolve a
-- region from the shapes of its districts, plus the LSOAs of any district split between regions
-- (none while regions come from a LAD lookup), on the 1 cm grid of the LAD dissolve.
INSERT INTO stage_parent (level, code, name, n, d1, pop, wsum, geom)
WITH pieces AS (
    SELECT p.region_code AS code, p.geom
    FROM stage_parent p
    WHERE p.level = 'lad' AND p.region_code IS NOT NULL
    UNION ALL
    SELECT l.region_code, l.geom
    FROM lsoa l
    WHERE l.edition = $1 AND l.region_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM stage_parent p
                      WHERE p.level = 'lad' AND p.code = l.lad_code AND p.region_code IS NOT NULL)
), shapes AS (
    SELECT code, ST_Multi(ST_CollectionExtract(ST_Union(geom, 0.01), 3)) AS geom
    FROM pieces
    GROUP BY code
)
SELECT 'region', s.code, s.name, s.n, s.d1, s.pop, s.wsum, sh.geom
FROM (
    SELECT region_code AS code, min(region_name) AS name, count(*) AS n,
        count(*) FILTER (WHERE imd_decile = 1) AS d1,
        sum(population) AS pop,
        sum(population::float8 * ($2::int + 1 - imd_rank)) AS wsum
    FROM lsoa
    WHERE edition = $1 AND region_code IS NOT NULL
    GROUP BY region_code
) s
LEFT JOIN shapes sh ON sh.code = s.code
