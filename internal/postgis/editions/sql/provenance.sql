SELECT dataset, file, sha256, bytes, coalesce(rows, 0) FROM provenance WHERE edition = $1 ORDER BY dataset, file
