-- For the report of file $1: services in no loaded LSOA.
SELECT count(*) FILTER (WHERE lsoa11_code IS NULL AND lsoa21_code IS NULL)::int
FROM service WHERE file_id = $1
