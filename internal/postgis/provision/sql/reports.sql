-- The latest report of every provision file, by dataset and file.
SELECT report FROM provision_file ORDER BY dataset, file
