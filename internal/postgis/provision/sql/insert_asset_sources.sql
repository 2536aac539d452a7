-- Attaches every record of file $1 to its asset: the one it matched or joined, or its own; in
-- asset order, the key's.
INSERT INTO asset_source (file_id, ord, row_no, asset_id, source_id, name)
SELECT $1, p.ord, p.row_no, coalesce(p.match_id, p.new_id), p.source_id, p.name
FROM provision_placed p
ORDER BY coalesce(p.match_id, p.new_id), p.ord
