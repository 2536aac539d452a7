-- The ogr2ogr side's LSOA join: each point's LSOA in the 2011 and the 2021 edition, written as
-- one would after loading points with ogr2ogr (each point projected once to the National Grid,
-- then a lateral point-in-polygon lookup per edition on lsoa's GiST index), into a new table like
-- the spatlas import's.
CREATE TABLE bench_ogr_assets_joined AS
SELECT o.*, l11.code AS lsoa11_code, l21.code AS lsoa21_code
FROM (SELECT b.*, ST_Transform(b.geom, 27700) AS geom27700 FROM bench_ogr_assets b) o
LEFT JOIN LATERAL (
    SELECT l.code FROM lsoa l
    WHERE l.edition = 'iod2019' AND ST_Intersects(l.geom, o.geom27700)
    LIMIT 1) l11 ON true
LEFT JOIN LATERAL (
    SELECT l.code FROM lsoa l
    WHERE l.edition = 'iod2025' AND ST_Intersects(l.geom, o.geom27700)
    LIMIT 1) l21 ON true
