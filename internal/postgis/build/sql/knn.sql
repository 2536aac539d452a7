-- $1 category: each LSOA point's distance to its nearest asset of the category: from the pairs
-- in reach (b_near), else by an index-ordered (KNN) search of the category's assets.
INSERT INTO b_nearest (category, code, d)
SELECT $1, p.code, coalesce(n.d,
    (SELECT ST_Distance(p.point, k.geom) FROM b_knn k ORDER BY k.geom <-> p.point LIMIT 1))
FROM b_point p
LEFT JOIN b_near n ON n.code = p.code AND n.category = $1
