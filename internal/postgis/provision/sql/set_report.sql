-- Stores the report of the load of file $1.
UPDATE provision_file SET report = $2 WHERE id = $1
