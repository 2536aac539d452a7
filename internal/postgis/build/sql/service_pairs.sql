-- $1 radius in metres: every (LSOA point, link worker service) pair within it.
CREATE TEMP TABLE b_pair ON COMMIT DROP AS
SELECT p.code, s.id, ST_Distance(p.point, s.geom) AS d
FROM b_point p
JOIN service s ON ST_DWithin(s.geom, p.point, $1::float8)
