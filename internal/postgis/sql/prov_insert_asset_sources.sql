-- Attaches every row of file $1 to its asset: its group leader's match, or the leader's new asset.
INSERT INTO asset_source (file_id, row_no, asset_id, source_id, name)
SELECT $1, p.row_no, coalesce(l.match_id, l.new_id), p.source_id, p.name
FROM placed p
JOIN placed l ON l.row_no = p.leader
