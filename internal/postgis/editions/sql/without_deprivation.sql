SELECT count(*), coalesce((array_agg(g.code ORDER BY g.code))[1:10], '{}')
FROM stage_geom g
WHERE NOT EXISTS (SELECT 1 FROM stage_lsoa d WHERE d.code = g.code)
