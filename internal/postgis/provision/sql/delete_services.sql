-- Removes the services an earlier load of file $1 stored.
DELETE FROM service WHERE file_id = $1
