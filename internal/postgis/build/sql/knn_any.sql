-- Each LSOA point's distance to its nearest asset of any category: from the pairs in reach,
-- else by an index-ordered search of all assets.
INSERT INTO b_nearest (category, code, d)
SELECT '', p.code, coalesce(n.d,
    (SELECT ST_Distance(p.point, a.geom) FROM asset a ORDER BY a.geom <-> p.point LIMIT 1))
FROM b_point p
LEFT JOIN (SELECT code, min(d) AS d FROM b_near GROUP BY code) n ON n.code = p.code
