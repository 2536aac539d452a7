-- +goose Up
-- spatlas_keep returns the properties of props named in keep.
-- +goose StatementBegin
CREATE FUNCTION spatlas_keep(props jsonb, keep text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}') FROM jsonb_each(props) e WHERE e.key = ANY (keep)
$$;
-- +goose StatementEnd

-- spatlas_feature serialises one GeoJSON Feature as text, for every feature query (areas,
-- assets, services): id is the feature's id as a JSON value, geom its geometry in EPSG:4326
-- written with digits decimal digits (null geometry when there is none), props its properties,
-- of which only those named in keep are written (all when keep is null). It is a single
-- expression without a subquery, so that PostgreSQL inlines it into the calling query.
-- +goose StatementBegin
CREATE FUNCTION spatlas_feature(id json, geom geometry, digits int, props jsonb, keep text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{"type":"Feature","id":' || id::text
        || ',"geometry":' || coalesce(ST_AsGeoJSON(geom, digits), 'null')
        || ',"properties":' || (CASE WHEN keep IS NULL THEN props ELSE spatlas_keep(props, keep) END)::text
        || '}'
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION spatlas_feature(json, geometry, int, jsonb, text[]);
DROP FUNCTION spatlas_keep(jsonb, text[]);
