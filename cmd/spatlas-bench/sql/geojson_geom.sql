-- The GeoJSON-text candidate's stage_geom: the same table the load's first stage fills
-- (postgis load_stage_geom.sql), filled by parsing the copied text with ST_GeomFromGeoJSON.
CREATE TEMP TABLE stage_geom ON COMMIT DROP AS
SELECT code, name, ST_SetSRID(ST_GeomFromGeoJSON(geojson), srid) AS geom, file, feature
FROM stage_geojson
