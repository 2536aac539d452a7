-- Records a load of one provision file, keeping its id across loads. $1 dataset, $2 file,
-- $3 kind, $4 input key, $5 sha256, $6 bytes. Returns the file's id and its new generation.
INSERT INTO provision_file (dataset, file, kind, input_key, sha256, bytes, generation, report)
VALUES ($1, $2, $3, $4, $5, $6, nextval('generation_seq'), '{}')
ON CONFLICT (dataset, file) DO UPDATE
SET kind = EXCLUDED.kind, input_key = EXCLUDED.input_key, sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes,
    generation = EXCLUDED.generation, loaded_at = now()
RETURNING id, generation
