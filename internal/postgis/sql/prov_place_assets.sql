-- Places each staged asset on the British National Grid: a point as given, an area at its
-- ST_PointOnSurface. Every row draws a candidate asset id; only rows that become new assets use
-- theirs. leader is the first row of a group of same-named rows within 50 m; match_id an asset
-- of another file that the group joins.
CREATE TEMP TABLE placed ON COMMIT DROP AS
SELECT s.row_no, s.source_id, s.name, s.name_key, s.category, s.address, s.postcode, s.url,
       CASE WHEN s.area IS NULL
            THEN ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 27700)
            ELSE ST_PointOnSurface(ST_Transform(ST_MakeValid(ST_GeomFromWKB(s.area, s.srid)), 27700))
       END AS geom,
       nextval(pg_get_serial_sequence('asset', 'id')) AS new_id,
       s.row_no AS leader,
       NULL::bigint AS match_id
FROM stage_asset s
