-- Joins the records that become new assets to the LSOAs of the 2011 ($1) and 2021 ($2)
-- editions that contain them. The join is driven by the LSOAs, tens of thousands of index probes
-- into the points, rather than by the points, one probe per point per edition: several times
-- faster for large files, and each polygon meets its points consecutively, so PostGIS prepares it
-- once (OFFSET 0 keeps the planner from flattening the lateral subquery and driving the join
-- from the points after all). A point on a shared edge takes the lower code. l11 and l21 are
-- {code, lad_code}.
CREATE TEMP TABLE provision_placed_lsoa ON COMMIT DROP AS
SELECT x.ord,
       min(ARRAY[l.code, l.lad_code]) FILTER (WHERE l.edition = $1) AS l11,
       min(ARRAY[l.code, l.lad_code]) FILTER (WHERE l.edition = $2) AS l21
FROM lsoa l
CROSS JOIN LATERAL (SELECT p.ord FROM provision_new_points p WHERE ST_Intersects(l.geom, p.geom) OFFSET 0) x
WHERE l.edition IN ($1, $2)
GROUP BY x.ord
