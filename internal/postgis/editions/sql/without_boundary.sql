SELECT count(*), coalesce((array_agg(d.code ORDER BY d.code))[1:10], '{}')
FROM stage_lsoa d
WHERE NOT EXISTS (SELECT 1 FROM stage_shape s WHERE s.code = d.code)
