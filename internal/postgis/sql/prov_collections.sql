-- The provision collections with their counts and lon/lat extents; a collection with no features
-- is listed when a file of its kind has been loaded.
SELECT k.kind, k.count, k.minx, k.miny, k.maxx, k.maxy
FROM (
    SELECT 'assets' AS kind, count(*) AS count, ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
    FROM (SELECT ST_Extent(geom4326) AS e, count(*) FROM asset) x
    UNION ALL
    SELECT 'services', count(*), ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
    FROM (SELECT ST_Extent(geom4326) AS e, count(*) FROM service) y
) k
WHERE k.count > 0 OR EXISTS (SELECT 1 FROM provision_file f WHERE f.kind = k.kind)
