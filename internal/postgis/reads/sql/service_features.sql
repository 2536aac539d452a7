-- One page of services as a JSON array of GeoJSON Features. $1-$4 bbox (lon/lat; all null for
-- none), $5 provider types (null for any), $6 lsoa11_code, $7 lsoa21_code, $8 lad_code, $9
-- source dataset, $10 one service id (null for any), $11 limit, $12 offset, $13 property names
-- to keep (null for all), $14 pcn_code, $15 practice_code. Caseloads are published under
-- disclosure control: 1 to 7 suppressed, others rounded to the nearest 5.
WITH bbox AS (
    -- The lon/lat box on the National Grid, where the index is: densified so that its edges
    -- follow the projection, and clamped to the British Isles, where every point lies.
    SELECT ST_Transform(ST_Segmentize(ST_MakeEnvelope(greatest($1::float8, -11), greatest($2::float8, 48), least($3::float8, 4), least($4::float8, 62), 4326), 0.05), 27700) AS box
), matched AS (
    SELECT s.id
    FROM service s
    JOIN provision_file f ON f.id = s.file_id
    WHERE ($1::float8 IS NULL OR (s.geom && (SELECT box FROM bbox) AND ST_Intersects(s.geom4326, ST_MakeEnvelope($1, $2, $3, $4, 4326))))
      AND ($5::text[] IS NULL OR s.provider_type = ANY ($5::text[]))
      AND ($6::text IS NULL OR s.lsoa11_code = $6)
      AND ($7::text IS NULL OR s.lsoa21_code = $7)
      AND ($8::text IS NULL OR s.lad_code = $8)
      AND ($9::text IS NULL OR f.dataset = $9)
      AND ($10::bigint IS NULL OR s.id = $10)
      AND ($14::text IS NULL OR s.pcn_code = $14)
      AND ($15::text IS NULL OR s.practice_code = $15)
), page AS (
    SELECT id FROM matched ORDER BY id LIMIT $11 OFFSET $12
), feature AS (
    SELECT s.id, s.geom4326, jsonb_build_object(
        'id', s.id::text, 'name', s.name, 'provider_type', s.provider_type,
        'pcn_code', s.pcn_code, 'pcn_name', s.pcn_name, 'practice_code', s.practice_code,
        'fte', round(s.fte::numeric, 4),
        'caseload', CASE WHEN s.caseload BETWEEN 1 AND 7 THEN NULL ELSE round(s.caseload / 5.0) * 5 END,
        'caseload_suppressed', coalesce(s.caseload BETWEEN 1 AND 7, false),
        'address', s.address, 'postcode', s.postcode, 'url', s.url,
        'source', f.dataset, 'source_id', s.source_id, 'located_by', s.located_by,
        'lsoa11_code', s.lsoa11_code, 'lsoa21_code', s.lsoa21_code, 'lad_code', s.lad_code) AS props
    FROM page p
    JOIN service s ON s.id = p.id
    JOIN provision_file f ON f.id = s.file_id
)
SELECT
    (SELECT count(*) FROM matched),
    count(f.id)::int,
    coalesce('[' || string_agg(spatlas_feature(to_json(f.id::text), f.geom4326, 6, f.props, $13::text[]),
        ',' ORDER BY f.id) || ']', '[]')
FROM feature f
