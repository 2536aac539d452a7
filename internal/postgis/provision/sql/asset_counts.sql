-- For the report: records that joined an asset they did not create (merged), and the new
-- assets that lie in no loaded LSOA.
SELECT count(*) FILTER (WHERE match_id IS NOT NULL)::int,
       (count(*) FILTER (WHERE match_id IS NULL) - (SELECT count(*) FROM provision_placed_lsoa))::int
FROM provision_placed
