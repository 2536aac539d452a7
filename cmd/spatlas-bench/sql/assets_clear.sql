-- Empties the provision tables of the bench database before each spatlas import, so that every
-- round inserts into empty tables, as ogr2ogr's -overwrite does.
TRUNCATE asset_source, asset, service, provision_file
