-- $1 edition, $2 x, $3 y (British National Grid metres), $4 FTE, $5 catchment d0, $6-$8 the band
-- weights, $9 rank digits. The what-if of one added link worker service recomputed as the build's
-- services and derived stages compute it (service_pairs, service_supply, e2sfca, derived): E2SFCA
-- over every service plus the new one, then the provision percentile of every LSOA; it returns
-- how many LSOAs of the edition end in the bottom fifth, read rather than written.
WITH pt AS (
    SELECT code, coalesce(population, 0)::float8 AS pop, point FROM lsoa WHERE edition = $1 AND point IS NOT NULL
), pair AS (
    SELECT p.code, s.id, s.fte AS s, ST_Distance(p.point, s.geom) AS d
    FROM pt p JOIN service s ON ST_DWithin(s.geom, p.point, $5::float8)
    UNION ALL
    SELECT p.code, -1, $4::float8, ST_Distance(p.point, ST_SetSRID(ST_MakePoint($2, $3), 27700))
    FROM pt p WHERE ST_DWithin(p.point, ST_SetSRID(ST_MakePoint($2, $3), 27700), $5::float8)
), w AS (
    SELECT code, id, s,
        CASE WHEN d <= $5::float8 / 3 THEN $6::float8 WHEN d <= 2 * $5::float8 / 3 THEN $7::float8 ELSE $8::float8 END AS w
    FROM pair
), r AS (
    SELECT w.id, w.s / nullif(sum(pt.pop * w.w), 0) AS r FROM w JOIN pt ON pt.code = w.code GROUP BY w.id, w.s
), a AS (
    SELECT w.code, sum(r.r * w.w) AS a FROM w JOIN r ON r.id = w.id WHERE r.r IS NOT NULL GROUP BY w.code
), v AS (
    SELECT l.code, CASE WHEN l.point IS NULL THEN NULL ELSE coalesce(a.a, 0) END AS x
    FROM lsoa l LEFT JOIN a ON a.code = l.code WHERE l.edition = $1
), k AS (
    SELECT CASE WHEN x = 0 THEN 0::numeric ELSE round(x::numeric, $9::int - 1 - floor(log(abs(x)))::int) END AS x FROM v
)
SELECT count(*) FILTER (WHERE p <= 0.2)
FROM (SELECT percent_rank() OVER (PARTITION BY x IS NULL ORDER BY x) AS p FROM k) q
