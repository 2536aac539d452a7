-- Removes the record of provision file $1: its report and provenance (its services go with it,
-- by the foreign key). The build keys its asset and service stages on the files' ids and
-- generations, so the next build recomputes what depended on the file. The generation the file
-- held, and a fresh one, move to generation_removed, so that the data generation still grows.
WITH gone AS (DELETE FROM provision_file WHERE id = $1 RETURNING generation)
UPDATE generation_removed
SET total = total + coalesce((SELECT generation FROM gone), 0) + nextval('generation_seq')
