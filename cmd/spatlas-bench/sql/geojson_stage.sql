-- The staging table of the GeoJSON-text candidate: each feature's geometry as the text of its
-- GeoJSON object, copied as it is, for PostGIS to parse.
CREATE TEMP TABLE stage_geojson (
    code text, name text, geojson text, srid int, file text, feature int
) ON COMMIT DROP
