-- Finds, for each group leader, the nearest asset already stored (from other files) with the
-- same normalised name within 50 m. Only names some stored asset has are looked for.
UPDATE provision_placed p
SET match_id = (
    SELECT a.id FROM asset a
    WHERE a.name_key = p.name_key AND ST_DWithin(a.geom, p.geom, 50)
    ORDER BY a.geom <-> p.geom, a.id
    LIMIT 1)
WHERE p.leader = p.ord AND p.name_key IN (SELECT name_key FROM asset WHERE name_key IS NOT NULL)
