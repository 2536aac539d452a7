-- $1 edition, $2 level, $3 area (any area's code; null for all of England), $4 with geometry
-- (decimal digits; null for none). Every area of the level that holds or lies in an LSOA of
-- the area, with its published properties (own and metrics) and, for GeoJSON, its full
-- geometry.
SELECT a.code, (a.props || coalesce(m.props, '{}'))::text,
    CASE WHEN $4::int IS NULL THEN NULL ELSE coalesce(ST_AsGeoJSON(a.geom, $4::int), 'null') END
FROM area a
LEFT JOIN area_metric m ON m.edition = a.edition AND m.level = a.level AND m.code = a.code
WHERE a.edition = $1 AND a.level = $2
  AND ($3::text IS NULL OR a.code IN (
      SELECT CASE $2::text WHEN 'lsoa' THEN l.code WHEN 'msoa' THEN l.msoa_code WHEN 'lad' THEN l.lad_code
                           WHEN 'icb' THEN l.icb_code ELSE l.region_code END
      FROM lsoa l
      WHERE l.edition = $1 AND $3 IN (l.code, l.msoa_code, l.lad_code, l.icb_code, l.region_code)))
ORDER BY a.code
