-- The number of asset source records of provision file $1.
SELECT count(*) FROM asset_source WHERE file_id = $1
