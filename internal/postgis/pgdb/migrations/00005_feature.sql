-- +goose Up
-- spatlas_feature serialises one GeoJSON Feature as text, for every feature query (areas,
-- assets, services): id is the feature's id as a JSON value, geom its geometry in EPSG:4326
-- written with digits decimal digits (null geometry when there is none), props its properties,
-- of which only those named in keep are written (all when keep is null).
-- +goose StatementBegin
CREATE FUNCTION spatlas_feature(id json, geom geometry, digits int, props jsonb, keep text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{"type":"Feature","id":' || id::text
        || ',"geometry":' || coalesce(ST_AsGeoJSON(geom, digits), 'null')
        || ',"properties":' || CASE WHEN keep IS NULL THEN props::text
               ELSE (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}')::text
                     FROM jsonb_each(props) e WHERE e.key = ANY (keep)) END
        || '}'
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION spatlas_feature(json, geometry, int, jsonb, text[]);
