-- The provision files of dataset $1 (only file $2 when it is not null), locked for removal.
SELECT id, file FROM provision_file
WHERE dataset = $1 AND ($2::text IS NULL OR file = $2)
ORDER BY file
FOR UPDATE
