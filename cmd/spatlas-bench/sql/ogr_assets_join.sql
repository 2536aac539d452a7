-- The ogr2ogr side's LSOA join: each point's LSOA in the 2011 and the 2021 edition, written as
-- one would after loading points with ogr2ogr (a lateral point-in-polygon lookup per edition,
-- using the GiST index on lsoa), into a new table like the spatlas import's.
CREATE TABLE bench_ogr_assets_joined AS
SELECT o.*, ST_Transform(o.geom, 27700) AS geom27700, l11.code AS lsoa11_code, l21.code AS lsoa21_code
FROM bench_ogr_assets o
LEFT JOIN LATERAL (
    SELECT l.code FROM lsoa l
    WHERE l.edition = 'iod2019' AND ST_Intersects(l.geom, ST_Transform(o.geom, 27700))
    LIMIT 1) l11 ON true
LEFT JOIN LATERAL (
    SELECT l.code FROM lsoa l
    WHERE l.edition = 'iod2025' AND ST_Intersects(l.geom, ST_Transform(o.geom, 27700))
    LIMIT 1) l21 ON true
