-- For the report of file $1: rows that joined an asset they did not create (merged), and rows
-- whose asset lies in no loaded LSOA.
SELECT count(*) FILTER (WHERE s.asset_id <> p.new_id)::int,
       count(*) FILTER (WHERE a.lsoa11_code IS NULL AND a.lsoa21_code IS NULL)::int
FROM asset_source s
JOIN placed p ON p.row_no = s.row_no
JOIN asset a ON a.id = s.asset_id
WHERE s.file_id = $1
