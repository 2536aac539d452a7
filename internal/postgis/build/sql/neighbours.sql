-- $1 edition. Queen contiguity: LSOAs whose polygons touch, at a point or along an edge (or
-- overlap, as generalised boundaries sometimes do). OFFSET 0 keeps the planner probing the
-- polygon index once per LSOA; ST_Intersects reuses the prepared outer polygon for each probe.
INSERT INTO lsoa_neighbour (edition, code, nb)
SELECT a.edition, a.code, b.code
FROM lsoa a
CROSS JOIN LATERAL (
    SELECT o.code
    FROM lsoa o
    WHERE o.geom && a.geom AND o.edition = a.edition AND o.code <> a.code
      AND ST_Intersects(a.geom, o.geom)
    OFFSET 0
) b
WHERE a.edition = $1 AND a.geom IS NOT NULL
