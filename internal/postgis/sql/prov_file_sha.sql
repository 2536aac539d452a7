-- The checksum of the last load of one provision file, to skip a file that has not changed.
SELECT sha256 FROM provision_file WHERE dataset = $1 AND file = $2
