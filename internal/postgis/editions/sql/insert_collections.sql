INSERT INTO collection (edition, level, count, minx, miny, maxx, maxy)
SELECT edition, level, n, ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)
FROM (
    SELECT edition, level, count(*) AS n, ST_Extent(geom) AS box
    FROM area
    WHERE edition = $1
    GROUP BY edition, level
) c
