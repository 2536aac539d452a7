-- One page of features of one collection, serialised as a JSON array of GeoJSON Features.
-- $1 edition, $2 level, $3-$6 bbox (minx, miny, maxx, maxy; all null for none), $7 jsonb
-- containment filter on the properties (null for none), $8 limit, $9 offset, $10 zoom band of
-- area_geom (null for full resolution), $11 decimal digits of coordinates, $12 property names to
-- keep (null for all), $13 jsonb containment filter on the metrics (null for none), $14 whether
-- any metric is wanted. Properties are the area's own merged with its metrics from the last
-- build; a page of the area's own properties alone does not read the metrics. The first column says
-- whether the collection is loaded at all.
WITH matched AS (
    SELECT a.code
    FROM area a
    LEFT JOIN area_metric m ON $13::jsonb IS NOT NULL
        AND m.edition = a.edition AND m.level = a.level AND m.code = a.code
    WHERE a.edition = $1 AND a.level = $2
      AND ($3::float8 IS NULL OR ST_Intersects(a.geom, ST_MakeEnvelope($3, $4, $5, $6, 4326)))
      AND ($7::jsonb IS NULL OR a.props @> $7::jsonb)
      AND ($13::jsonb IS NULL OR m.props @> $13::jsonb)
), page AS (
    SELECT code FROM matched ORDER BY code LIMIT $8 OFFSET $9
)
SELECT
    EXISTS (SELECT 1 FROM collection WHERE edition = $1 AND level = $2),
    (SELECT count(*) FROM matched),
    count(a.code)::int,
    coalesce('[' || string_agg(
        '{"type":"Feature","id":' || to_json(a.code)::text
        || ',"geometry":' || coalesce(ST_AsGeoJSON(CASE WHEN $10::smallint IS NULL THEN a.geom ELSE g.geom END, $11::int), 'null')
        || ',"properties":' || CASE WHEN $12::text[] IS NULL THEN (a.props || coalesce(m.props, '{}'))::text
               ELSE (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}')::text
                     FROM jsonb_each(a.props || coalesce(m.props, '{}')) e WHERE e.key = ANY ($12::text[])) END
        || '}', ',' ORDER BY a.code) || ']', '[]')
FROM page p
JOIN area a ON a.edition = $1 AND a.level = $2 AND a.code = p.code
LEFT JOIN area_metric m ON $14::boolean AND m.edition = $1 AND m.level = $2 AND m.code = p.code
LEFT JOIN area_geom g ON $10::smallint IS NOT NULL
    AND g.edition = $1 AND g.level = $2 AND g.zoom = $10::smallint AND g.code = p.code
