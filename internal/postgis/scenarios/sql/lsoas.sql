-- $1 edition. The engine's LSOAs: point in British National Grid metres (EWKB, null when the
-- LSOA has none) and in lon/lat, population (0 when unknown, as the build's b_point), IMD rank
-- and decile, and the codes of the areas that hold it. Ordered by code.
SELECT code, ST_AsEWKB(point) AS point, ST_AsEWKB(ST_Transform(point, 4326)) AS lonlat,
    coalesce(population, 0)::float8 AS pop, coalesce(imd_rank, 0) AS rank,
    coalesce(imd_decile, 0)::int AS decile, coalesce(lad_code, '') AS lad,
    coalesce(icb_code, '') AS icb, coalesce(region_code, '') AS region
FROM lsoa
WHERE edition = $1
ORDER BY code
