-- Inserts the new assets (group leaders that matched nothing stored), each joined to the LSOA
-- containing it in the 2011 edition ($1) and the 2021 edition ($2). lad_code is the 2021
-- edition's district where there is one.
INSERT INTO asset (id, name, name_key, category, address, postcode, url, geom, geom4326,
                   lsoa11_code, lsoa21_code, lad_code)
SELECT p.new_id, p.name, p.name_key, p.category, p.address, p.postcode, p.url,
       p.geom, ST_Transform(p.geom, 4326), l11.code, l21.code, coalesce(l21.lad_code, l11.lad_code)
FROM placed p
LEFT JOIN LATERAL (
    SELECT l.code, l.lad_code FROM lsoa l
    WHERE l.edition = $1 AND ST_Intersects(l.geom, p.geom)
    ORDER BY l.code LIMIT 1) l11 ON true
LEFT JOIN LATERAL (
    SELECT l.code, l.lad_code FROM lsoa l
    WHERE l.edition = $2 AND ST_Intersects(l.geom, p.geom)
    ORDER BY l.code LIMIT 1) l21 ON true
WHERE p.leader = p.row_no AND p.match_id IS NULL
