-- $1 LSOA vintage (2011 or 2021). Every community asset as a supply site of 1: id, point in
-- British National Grid metres and lon/lat (EWKB), category, name, and the LSOA that holds it.
SELECT 'asset:' || id AS id, ST_AsEWKB(geom) AS point, ST_AsEWKB(geom4326) AS lonlat,
    1::float8 AS supply, category, name AS label,
    coalesce(CASE WHEN $1::int = 2011 THEN lsoa11_code ELSE lsoa21_code END, '') AS lsoa
FROM asset
ORDER BY id
