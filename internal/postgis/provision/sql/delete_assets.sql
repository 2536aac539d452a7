-- Removes what an earlier load of file $1 stored: its source records, and the assets no other
-- file names. (The outer statement sees the table as it was before the inner delete, hence the
-- file_id condition.)
WITH gone AS (
    DELETE FROM asset_source WHERE file_id = $1 RETURNING asset_id
)
DELETE FROM asset a
USING (SELECT DISTINCT asset_id FROM gone) g
WHERE a.id = g.asset_id
  AND NOT EXISTS (SELECT 1 FROM asset_source s WHERE s.asset_id = a.id AND s.file_id <> $1)
