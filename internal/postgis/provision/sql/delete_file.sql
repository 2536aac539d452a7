-- Removes the record of provision file $1: its report and provenance (its services go with it,
-- by the foreign key). The build keys its asset and service stages on the files' ids and
-- generations, so the next build recomputes what depended on the file.
DELETE FROM provision_file WHERE id = $1
