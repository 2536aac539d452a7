-- Groups the rows of one file that share a normalised name and lie within 50 m of each other
-- (chained: DBSCAN with eps 50 m and one point), so that they become one asset. Only names that
-- occur more than once are clustered.
UPDATE placed p
SET leader = c.leader
FROM (
    SELECT row_no, min(row_no) OVER (PARTITION BY name_key, cid) AS leader
    FROM (
        SELECT row_no, name_key, ST_ClusterDBSCAN(geom, 50, 1) OVER (PARTITION BY name_key) AS cid
        FROM placed
        WHERE name_key IN (SELECT name_key FROM placed WHERE name_key IS NOT NULL
                           GROUP BY name_key HAVING count(*) > 1)
    ) x
) c
WHERE p.row_no = c.row_no AND c.leader <> p.row_no
