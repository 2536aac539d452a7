-- $1 edition. What the engine needs of an edition beyond its rows: its LSOA count (the N of
-- the need percentile), LSOA vintage and generation.
SELECT lsoa_count, lsoa_vintage, generation FROM edition WHERE id = $1
