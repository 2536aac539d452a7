-- The loaded editions with their generations, e.g. "iod2019:12,iod2025:13": provision joined to
-- LSOAs before an edition was (re)loaded must be joined again.
SELECT coalesce(string_agg(id || ':' || generation, ',' ORDER BY id), '') FROM edition
