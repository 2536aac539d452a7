-- $1 edition, $2 zoom band, $3 and $4 grid cell width and height in degrees. Snapping to a grid
-- finer than a pixel keeps shared edges shared: both neighbours' vertices land on the same points.
-- An area smaller than a cell vanishes at that zoom: its row holds a null geometry, so that a
-- request at a low zoom never falls back to full resolution.
INSERT INTO area_geom (edition, level, zoom, code, geom)
SELECT edition, level, $2::smallint, code, CASE WHEN ST_IsEmpty(g) THEN NULL ELSE g END
FROM (
    SELECT edition, level, code, ST_RemoveRepeatedPoints(ST_SnapToGrid(geom, 0, 0, $3::float8, $4::float8)) AS g
    FROM area
    WHERE edition = $1 AND geom IS NOT NULL
) s
