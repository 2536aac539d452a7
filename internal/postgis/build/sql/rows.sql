-- $1 edition: a metrics row for every LSOA.
INSERT INTO lsoa_metric (edition, code)
SELECT edition, code FROM lsoa WHERE edition = $1
ON CONFLICT DO NOTHING
