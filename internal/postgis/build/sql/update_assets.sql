-- $1 edition, $2 LSOA vintage (2011 or 2021), $3 radius of assets_within_1600m. Writes the
-- assets stage: counts inside each LSOA (total and by category), nearest distances, assets
-- within the radius and E2SFCA accessibility (b_access, per person).
WITH counts AS (
    SELECT code, sum(n)::int AS n, jsonb_object_agg(category, n) AS by_category
    FROM (
        SELECT CASE WHEN $2::int = 2011 THEN a.lsoa11_code ELSE a.lsoa21_code END AS code, a.category, count(*) AS n
        FROM asset a
        GROUP BY 1, 2
    ) c
    WHERE code IS NOT NULL
    GROUP BY code
), within AS (
    SELECT code, count(*)::int AS n FROM b_pair WHERE d <= $3::float8 GROUP BY code
), nearest AS (
    SELECT code,
        max(d) FILTER (WHERE category = '') AS any_m,
        coalesce(jsonb_object_agg(category, round(d::numeric, 1)) FILTER (WHERE category <> '' AND d IS NOT NULL), '{}') AS by_category
    FROM b_nearest
    GROUP BY code
)
UPDATE lsoa_metric m SET
    assets_n = coalesce(c.n, 0),
    assets_by_category = coalesce(c.by_category, '{}'),
    nearest_asset_m = n.any_m,
    nearest_by_category = coalesce(n.by_category, '{}'),
    assets_within_1600m = CASE WHEN l.point IS NULL THEN NULL ELSE coalesce(w.n, 0) END,
    assets_access = CASE WHEN l.point IS NULL THEN NULL ELSE coalesce(x.a, 0) END
FROM lsoa l
LEFT JOIN counts c ON c.code = l.code
LEFT JOIN within w ON w.code = l.code
LEFT JOIN nearest n ON n.code = l.code
LEFT JOIN b_access x ON x.code = l.code
WHERE l.edition = $1 AND m.edition = l.edition AND m.code = l.code
