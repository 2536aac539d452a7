-- Each LSOA point's distance to its nearest asset of any category.
INSERT INTO b_nearest (category, code, d)
SELECT '', p.code, (SELECT ST_Distance(p.point, a.geom) FROM asset a ORDER BY a.geom <-> p.point LIMIT 1)
FROM b_point p
