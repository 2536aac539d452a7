-- $1 edition, $2 N. ICBs are almost all made of whole LADs: dissolve an ICB from the shapes of
-- the LADs that lie wholly inside it, plus the LSOAs of any LAD split between ICBs. That unions
-- a few district outlines per ICB instead of thousands of LSOAs, on the same 1 cm grid, so the
-- LAD outlines meet exactly.
INSERT INTO stage_parent (level, code, name, n, d1, pop, wsum, geom)
WITH lad_icb AS (
    SELECT lad_code, min(icb_code) AS icb_code
    FROM lsoa
    WHERE edition = $1 AND lad_code IS NOT NULL
    GROUP BY lad_code
    HAVING count(DISTINCT icb_code) = 1 AND count(icb_code) = count(*)
), pieces AS (
    SELECT w.icb_code AS code, p.geom
    FROM lad_icb w
    JOIN stage_parent p ON p.level = 'lad' AND p.code = w.lad_code
    UNION ALL
    SELECT l.icb_code, l.geom
    FROM lsoa l
    WHERE l.edition = $1 AND l.icb_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lad_icb w WHERE w.lad_code = l.lad_code)
), shapes AS (
    SELECT code, ST_Multi(ST_CollectionExtract(ST_Union(geom, 0.01), 3)) AS geom
    FROM pieces
    GROUP BY code
)
SELECT 'icb', s.code, s.name, s.n, s.d1, s.pop, s.wsum, sh.geom
FROM (
    SELECT icb_code AS code, min(icb_name) AS name, count(*) AS n,
        count(*) FILTER (WHERE imd_decile = 1) AS d1,
        sum(population) AS pop,
        sum(population::float8 * ($2::int + 1 - imd_rank)) AS wsum
    FROM lsoa
    WHERE edition = $1 AND icb_code IS NOT NULL
    GROUP BY icb_code
) s
LEFT JOIN shapes sh ON sh.code = s.code
