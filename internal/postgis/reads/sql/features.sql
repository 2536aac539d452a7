-- One page of features of one collection, serialised as a JSON array of GeoJSON Features.
-- @edition, @level, @minx, @miny, @maxx, @maxy bbox (all null for none), @filter jsonb
-- containment filter on the properties (null for none), @limit, @offset, @band zoom band of
-- area_geom (null for full resolution), @digits decimal digits of coordinates, @keep property
-- names to keep (null for all), @metric_filter jsonb containment filter on the metrics (null for
-- none), @metrics whether any metric is wanted. Properties are the area's own merged with its metrics from the last
-- build; a page of the area's own properties alone does not read the metrics. The first column says
-- whether the collection is loaded at all.
WITH matched AS (
    SELECT a.code
    FROM area a
    LEFT JOIN area_metric m ON @metric_filter::jsonb IS NOT NULL
        AND m.edition = a.edition AND m.level = a.level AND m.code = a.code
    WHERE a.edition = @edition AND a.level = @level
      AND (@minx::float8 IS NULL OR ST_Intersects(a.geom, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326)))
      AND (@filter::jsonb IS NULL OR a.props @> @filter::jsonb)
      AND (@metric_filter::jsonb IS NULL OR m.props @> @metric_filter::jsonb)
), page AS (
    SELECT code FROM matched ORDER BY code LIMIT @limit OFFSET @offset
)
SELECT
    EXISTS (SELECT 1 FROM collection WHERE edition = @edition AND level = @level),
    (SELECT count(*) FROM matched),
    count(a.code)::int,
    coalesce('[' || string_agg(
        spatlas_feature(to_json(a.code), CASE WHEN @band::smallint IS NULL THEN a.geom ELSE g.geom END, @digits::int,
            a.props || coalesce(m.props, '{}'), @keep::text[]),
        ',' ORDER BY a.code) || ']', '[]')
FROM page p
JOIN area a ON a.edition = @edition AND a.level = @level AND a.code = p.code
LEFT JOIN area_metric m ON @metrics::boolean AND m.edition = @edition AND m.level = @level AND m.code = p.code
LEFT JOIN area_geom g ON @band::smallint IS NOT NULL
    AND g.edition = @edition AND g.level = @level AND g.zoom = @band::smallint AND g.code = p.code
