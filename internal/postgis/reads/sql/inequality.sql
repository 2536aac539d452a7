-- $1 edition, $2 metric (a published numeric LSOA property), $3 area (LAD, ICB or region code;
-- null for England): every LSOA of the area with its value, population and national IMD rank
-- and decile, in rank order so that every sum is taken in the same order and repeated requests
-- agree to the last digit.
SELECT CASE WHEN jsonb_typeof(p.v) = 'number' THEN (p.v #>> '{}')::float8 END AS value,
    coalesce(l.population, 0)::float8 AS population, l.imd_rank AS rank, l.imd_decile AS decile
FROM lsoa l
JOIN area a ON a.edition = l.edition AND a.level = 'lsoa' AND a.code = l.code
LEFT JOIN area_metric m ON m.edition = l.edition AND m.level = 'lsoa' AND m.code = l.code
CROSS JOIN LATERAL (SELECT coalesce(m.props->$2::text, a.props->$2::text) AS v) p
WHERE l.edition = $1 AND l.imd_rank IS NOT NULL
  AND ($3::text IS NULL OR $3 IN (l.lad_code, l.icb_code, l.region_code))
ORDER BY l.imd_rank, l.code
