-- The input key of the last load of one provision file, to skip a file whose inputs have not
-- changed.
SELECT input_key FROM provision_file WHERE dataset = $1 AND file = $2
