-- One page of assets as a JSON array of GeoJSON Features. $1-$4 bbox (lon/lat; all null for
-- none), $5 categories (null for any), $6 lsoa11_code, $7 lsoa21_code, $8 lad_code, $9 source
-- dataset, $10 one asset id (null for any), $11 limit, $12 offset, $13 property names to keep
-- (null for all).
WITH bbox AS (
    -- The lon/lat box on the National Grid, where the index is: densified so that its edges
    -- follow the projection, and clamped to the British Isles, where every point lies.
    SELECT ST_Transform(ST_Segmentize(ST_MakeEnvelope(greatest($1::float8, -11), greatest($2::float8, 48), least($3::float8, 4), least($4::float8, 62), 4326), 0.05), 27700) AS box
), matched AS (
    SELECT a.id
    FROM asset a
    WHERE ($1::float8 IS NULL OR (a.geom && (SELECT box FROM bbox) AND ST_Intersects(a.geom4326, ST_MakeEnvelope($1, $2, $3, $4, 4326))))
      AND ($5::text[] IS NULL OR a.category = ANY ($5::text[]))
      AND ($6::text IS NULL OR a.lsoa11_code = $6)
      AND ($7::text IS NULL OR a.lsoa21_code = $7)
      AND ($8::text IS NULL OR a.lad_code = $8)
      AND ($9::text IS NULL OR EXISTS (
          SELECT 1 FROM asset_source s JOIN provision_file f ON f.id = s.file_id
          WHERE s.asset_id = a.id AND f.dataset = $9))
      AND ($10::bigint IS NULL OR a.id = $10)
), page AS (
    SELECT id FROM matched ORDER BY id LIMIT $11 OFFSET $12
), feature AS (
    SELECT a.id, a.geom4326, jsonb_build_object(
        'id', a.id::text, 'name', a.name, 'category', a.category, 'category_label', coalesce(c.label, a.category),
        'address', a.address, 'postcode', a.postcode, 'url', a.url,
        'source', src.sources -> 0 ->> 'dataset', 'source_id', src.sources -> 0 ->> 'source_id',
        'sources', src.sources,
        'lsoa11_code', a.lsoa11_code, 'lsoa21_code', a.lsoa21_code, 'lad_code', a.lad_code) AS props
    FROM page p
    JOIN asset a ON a.id = p.id
    LEFT JOIN category c ON c.id = a.category
    CROSS JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('dataset', f.dataset, 'file', f.file, 'source_id', s.source_id, 'row', s.row_no)
                         ORDER BY s.file_id, s.row_no) AS sources
        FROM asset_source s JOIN provision_file f ON f.id = s.file_id
        WHERE s.asset_id = a.id) src
)
SELECT
    (SELECT count(*) FROM matched),
    count(f.id)::int,
    coalesce('[' || string_agg(spatlas_feature(to_json(f.id::text), f.geom4326, 6, f.props, $13::text[]),
        ',' ORDER BY f.id) || ']', '[]')
FROM feature f
