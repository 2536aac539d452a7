-- The boundaries of the edition's LSOAs as valid MultiPolygons in their source CRS; invalid ones
-- are repaired with ST_MakeValid and flagged so that the load report can count them.
CREATE TEMP TABLE stage_shape ON COMMIT DROP AS
WITH raw AS (
    SELECT s.code, s.geom AS g
    FROM stage_geom s
    WHERE s.code IN (SELECT d.code FROM stage_lsoa d)
), checked AS (
    SELECT code, g, ST_IsValid(g) AS ok FROM raw
)
SELECT code, NOT ok AS repaired,
       ST_Multi(CASE WHEN ok THEN g ELSE ST_CollectionExtract(ST_MakeValid(g), 3) END) AS g
FROM checked
