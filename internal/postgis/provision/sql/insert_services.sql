-- Inserts the staged services of file $1, placed on the British National Grid and joined to the
-- LSOA containing each in the 2011 edition ($2) and the 2021 edition ($3).
INSERT INTO service (file_id, row_no, source_id, name, provider_type, pcn_code, pcn_name, practice_code,
                     fte, caseload, address, postcode, url, geom, geom4326, catchment,
                     lsoa11_code, lsoa21_code, lad_code, located_by)
SELECT $1, s.row_no, s.source_id, s.name, s.provider_type, s.pcn_code, s.pcn_name, s.practice_code,
       s.fte, s.caseload, s.address, s.postcode, s.url, g.geom, ST_Transform(g.geom, 4326),
       CASE WHEN s.catchment IS NOT NULL
            THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(
                     ST_Transform(ST_GeomFromWKB(s.catchment, s.srid), 27700)), 3)) END,
       l11.code, l21.code, coalesce(l21.lad_code, l11.lad_code), s.located_by
FROM stage_service s
CROSS JOIN LATERAL (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 27700) AS geom) g
LEFT JOIN LATERAL (
    SELECT l.code, l.lad_code FROM lsoa l
    WHERE l.edition = $2 AND ST_Intersects(l.geom, g.geom)
    ORDER BY l.code LIMIT 1) l11 ON true
LEFT JOIN LATERAL (
    SELECT l.code, l.lad_code FROM lsoa l
    WHERE l.edition = $3 AND ST_Intersects(l.geom, g.geom)
    ORDER BY l.code LIMIT 1) l21 ON true
