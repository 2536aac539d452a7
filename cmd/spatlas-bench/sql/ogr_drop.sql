-- The table ogr2ogr loads the boundaries into, dropped between rounds.
DROP TABLE IF EXISTS bench_ogr
