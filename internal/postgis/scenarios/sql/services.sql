-- $1 LSOA vintage (2011 or 2021). Every link worker service as a supply site of its FTE, as the
-- build's service_supply: id, points, FTE, name, practice and the LSOA that holds it.
SELECT 'service:' || id AS id, ST_AsEWKB(geom) AS point, ST_AsEWKB(geom4326) AS lonlat,
    fte AS supply, '' AS category, name AS label, coalesce(practice_code, '') AS practice,
    coalesce(CASE WHEN $1::int = 2011 THEN lsoa11_code ELSE lsoa21_code END, '') AS lsoa
FROM service
ORDER BY id
