-- Places each staged asset on the British National Grid: a point as given, an area at its
-- ST_PointOnSurface; lon/lat points keep their coordinates for serving. Record ord may become
-- asset $1 + its rank in Hilbert order of the points (ids reserved by the loader), so that new
-- assets go into the table in an order that is both the key's and the spatial index's. leader
-- is the first record of a group of same-named records within 50 m; match_id the asset the
-- record joins, when it joins one it did not create.
CREATE TEMP TABLE provision_placed ON COMMIT DROP AS
SELECT s.ord, s.row_no, s.source_id, s.name, s.name_key, s.dup, s.category, s.address, s.postcode, s.url,
       g.geom,
       CASE WHEN s.srid = 4326 AND s.area IS NULL THEN ST_SetSRID(ST_MakePoint(s.x, s.y), 4326)
            ELSE ST_Transform(g.geom, 4326) END AS geom4326,
       $1::bigint - 1 + row_number() OVER (ORDER BY g.geom) AS new_id,
       s.ord AS leader,
       NULL::bigint AS match_id
FROM provision_stage_asset s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.area IS NULL
                THEN ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 27700)
                ELSE ST_PointOnSurface(ST_Transform(ST_MakeValid(ST_GeomFromWKB(s.area, s.srid)), 27700))
           END AS geom) g
