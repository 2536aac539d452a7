-- Inserts the new assets (group leaders that matched nothing stored) with their LSOAs, in id
-- order, which is Hilbert order of their points: both indexes grow with locality. lad_code is the
-- 2021 edition's district where there is one.
INSERT INTO asset (id, name, name_key, category, address, postcode, url, geom, geom4326,
                   lsoa11_code, lsoa21_code, lad_code)
SELECT p.new_id, p.name, p.name_key, p.category, p.address, p.postcode, p.url,
       p.geom, p.geom4326, j.l11[1], j.l21[1], coalesce(j.l21[2], j.l11[2])
FROM provision_placed p
LEFT JOIN provision_placed_lsoa j ON j.ord = p.ord
WHERE p.leader = p.ord AND p.match_id IS NULL
ORDER BY p.new_id
