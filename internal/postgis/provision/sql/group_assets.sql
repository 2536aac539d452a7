-- Groups the records of one file that share a normalised name and lie within 50 m of each other
-- (chained: DBSCAN with eps 50 m and one point), so that they become one asset. Only names that
-- occur more than once in the file (dup) are clustered.
UPDATE provision_placed p
SET leader = c.leader
FROM (
    SELECT ord, min(ord) OVER (PARTITION BY name_key, cid) AS leader
    FROM (
        SELECT ord, name_key, ST_ClusterDBSCAN(geom, 50, 1) OVER (PARTITION BY name_key) AS cid
        FROM provision_placed
        WHERE dup
    ) x
) c
WHERE p.ord = c.ord AND c.leader <> p.ord
