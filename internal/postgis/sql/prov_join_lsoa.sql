-- Joins the placed points to the LSOAs of the 2011 ($1) and 2021 ($2) editions that contain
-- them. The join is driven by the LSOAs (tens of thousands of index probes into the points)
-- rather than by the points (one probe per point per edition): several times faster for large
-- files, and each polygon meets its points consecutively, so PostGIS prepares it once. A point on
-- a shared edge takes the lower code.
CREATE TEMP TABLE placed_lsoa ON COMMIT DROP AS
SELECT DISTINCT ON (p.row_no, l.edition) p.row_no, l.edition, l.code, l.lad_code
FROM lsoa l
JOIN placed p ON ST_Intersects(l.geom, p.geom)
WHERE l.edition IN ($1, $2) AND p.leader = p.row_no AND p.match_id IS NULL
ORDER BY p.row_no, l.edition, l.code
