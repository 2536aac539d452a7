-- $1 edition; $2..$6 parallel arrays: dataset, file, sha256, bytes, rows.
INSERT INTO provenance (edition, dataset, file, sha256, bytes, rows)
SELECT $1, u.dataset, u.file, u.sha256, u.bytes, u.rows
FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS u(dataset, file, sha256, bytes, rows)
