-- One feature as a GeoJSON Feature, and whether its collection is loaded: one row always, the
-- feature null when there is none. $1 edition, $2 level, $3 code, $4 zoom band (null for full
-- resolution), $5 decimal digits, $6 property names to keep (null for all). Properties are the
-- area's own merged with its metrics from the last build.
SELECT
    EXISTS (SELECT 1 FROM collection WHERE edition = $1 AND level = $2),
    (SELECT spatlas_feature(to_json(a.code), CASE WHEN $4::smallint IS NULL THEN a.geom ELSE g.geom END, $5::int,
            a.props || coalesce(m.props, '{}'), $6::text[])
     FROM area a
     LEFT JOIN area_metric m ON m.edition = a.edition AND m.level = a.level AND m.code = a.code
     LEFT JOIN area_geom g ON $4::smallint IS NOT NULL
         AND g.edition = a.edition AND g.level = a.level AND g.zoom = $4::smallint AND g.code = a.code
     WHERE a.edition = $1 AND a.level = $2 AND a.code = $3)
