-- The lon/lat of every LSOA point of an edition, to scatter synthetic assets around.
SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(point, 4326) AS p FROM lsoa WHERE edition = $1 ORDER BY code) x
