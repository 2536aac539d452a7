-- The provision collections with their counts and lon/lat extents; a collection with no features
-- is listed when a file of its kind has been loaded.
SELECT k.kind, k.n, ST_XMin(k.e), ST_YMin(k.e), ST_XMax(k.e), ST_YMax(k.e)
FROM (
    SELECT 'assets' AS kind, count(*) AS n, ST_Extent(geom4326) AS e FROM asset
    UNION ALL
    SELECT 'services', count(*), ST_Extent(geom4326) FROM service
) k
WHERE k.n > 0 OR EXISTS (SELECT 1 FROM provision_file f WHERE f.kind = k.kind)
