-- $1 radius in metres: every (LSOA point, asset) pair within it, with the distance. Driven by
-- the LSOA points, each probing the asset index once.
CREATE TEMP TABLE b_pair ON COMMIT DROP AS
SELECT p.code, a.id, ST_Distance(p.point, a.geom) AS d
FROM b_point p
JOIN asset a ON ST_DWithin(a.geom, p.point, $1::float8)
