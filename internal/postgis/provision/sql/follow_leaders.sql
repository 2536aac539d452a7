-- Points the other records of each group at the group's asset: the leader's match, or the
-- leader's new asset.
UPDATE provision_placed f
SET match_id = coalesce(l.match_id, l.new_id)
FROM provision_placed l
WHERE f.dup AND f.leader <> f.ord AND l.ord = f.leader
