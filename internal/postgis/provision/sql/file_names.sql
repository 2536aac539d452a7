-- The loaded provision files of dataset $1 (every dataset's when it is null), for error messages.
SELECT DISTINCT CASE WHEN $1::text IS NULL THEN dataset ELSE file END AS name
FROM provision_file
WHERE $1::text IS NULL OR dataset = $1
ORDER BY 1
