-- Boundary codes that appear more than once, with where they were read.
SELECT code, string_agg(file || ' feature ' || feature, ', ' ORDER BY file, feature)
FROM stage_geom
GROUP BY code
HAVING count(*) > 1
ORDER BY code
LIMIT 5
