-- $1 edition, $2 N, $3 level: 'icb' or 'region'. ICBs are almost all made of whole LADs, and
-- regions wholly (the region lookup is by LAD): dissolve each from the shapes of the LADs that
-- lie wholly inside it (stage_parent's icb_code and region_code, set where all of a district's
-- LSOAs agree), plus the LSOAs of any LAD split between them. That unions a few district
-- outlines instead of thousands of LSOAs, on the 1 cm grid of the LAD dissolve, so the LAD
-- outlines meet exactly.
INSERT INTO stage_parent (level, code, name, n, d1, pop, wsum, geom)
WITH lads AS (
    SELECT code, geom, CASE $3::text WHEN 'icb' THEN icb_code ELSE region_code END AS parent
    FROM stage_parent
    WHERE level = 'lad'
), lsoas AS (
    SELECT lad_code, geom, imd_decile, imd_rank, population,
        CASE $3::text WHEN 'icb' THEN icb_code ELSE region_code END AS parent,
        CASE $3::text WHEN 'icb' THEN icb_name ELSE region_name END AS parent_name
    FROM lsoa
    WHERE edition = $1
), pieces AS (
    SELECT parent AS code, geom FROM lads WHERE parent IS NOT NULL
    UNION ALL
    SELECT l.parent, l.geom
    FROM lsoas l
    WHERE l.parent IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lads w WHERE w.code = l.lad_code AND w.parent IS NOT NULL)
), shapes AS (
    SELECT code, ST_Multi(ST_CollectionExtract(ST_Union(geom, 0.01), 3)) AS geom
    FROM pieces
    GROUP BY code
)
SELECT $3::text, s.code, s.name, s.n, s.d1, s.pop, s.wsum, sh.geom
FROM (
    SELECT parent AS code, min(parent_name) AS name, count(*) AS n,
        count(*) FILTER (WHERE imd_decile = 1) AS d1,
        sum(population) AS pop,
        sum(population::float8 * ($2::int + 1 - imd_rank)) AS wsum
    FROM lsoas
    WHERE parent IS NOT NULL
    GROUP BY parent
) s
LEFT JOIN shapes sh ON sh.code = s.code
