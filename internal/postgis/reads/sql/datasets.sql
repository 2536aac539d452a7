-- Every loaded dataset file with its provenance: the editions' source files, then the provision
-- files.
SELECT 'edition', p.edition, p.dataset, p.file, p.sha256, p.bytes, p.rows, p.loaded_at
FROM provenance p
UNION ALL
SELECT f.kind, NULL, f.dataset, f.file, coalesce(f.sha256, ''), coalesce(f.bytes, 0),
    (f.report->>'rows_read')::bigint, f.loaded_at
FROM provision_file f
ORDER BY 1, 2, 3, 4
