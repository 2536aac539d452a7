-- $1 category: each LSOA point's distance to its nearest asset of the category, by an index
-- ordered (KNN) search.
INSERT INTO b_nearest (category, code, d)
SELECT $1, p.code, (SELECT ST_Distance(p.point, k.geom) FROM b_knn k ORDER BY k.geom <-> p.point LIMIT 1)
FROM b_point p
