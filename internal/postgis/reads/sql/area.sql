-- $1 edition, $2 code: the area of any level with that code, its published properties (its own
-- merged with its metrics) and the names of the areas holding it.
SELECT a.level, a.props->>'name', (a.props || coalesce(m.props, '{}'))::text,
    coalesce((SELECT jsonb_agg(jsonb_build_object('level', p.level, 'code', p.code, 'name', p.props->>'name')
                               ORDER BY array_position(ARRAY['msoa', 'lad', 'icb', 'region'], p.level))
              FROM area p
              WHERE p.edition = a.edition AND p.level <> a.level
                AND p.code IN (a.props->>'msoa_code', a.props->>'lad_code', a.props->>'icb_code', a.props->>'region_code')), '[]')::text
FROM area a
LEFT JOIN area_metric m ON m.edition = a.edition AND m.level = a.level AND m.code = a.code
WHERE a.edition = $1 AND a.code = $2
ORDER BY array_position(ARRAY['lsoa', 'msoa', 'lad', 'icb', 'region'], a.level)
LIMIT 1
