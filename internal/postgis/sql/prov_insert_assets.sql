-- Inserts the new assets (group leaders that matched nothing stored) with their LSOAs in the
-- 2011 edition ($1) and the 2021 edition ($2). lad_code is the 2021 edition's district where
-- there is one.
INSERT INTO asset (id, name, name_key, category, address, postcode, url, geom, geom4326,
                   lsoa11_code, lsoa21_code, lad_code)
SELECT p.new_id, p.name, p.name_key, p.category, p.address, p.postcode, p.url,
       p.geom, ST_Transform(p.geom, 4326), l11.code, l21.code, coalesce(l21.lad_code, l11.lad_code)
FROM placed p
LEFT JOIN placed_lsoa l11 ON l11.row_no = p.row_no AND l11.edition = $1
LEFT JOIN placed_lsoa l21 ON l21.row_no = p.row_no AND l21.edition = $2
WHERE p.leader = p.row_no AND p.match_id IS NULL
