-- $1 edition, $2 LSOA codes. The LSOAs' polygons in lon/lat as GeoJSON geometry text.
SELECT code, ST_AsGeoJSON(geom, 6) AS geometry
FROM area
WHERE edition = $1 AND level = 'lsoa' AND code = ANY($2::text[])
