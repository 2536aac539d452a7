-- The tables of the ogr2ogr side of the asset import, dropped between rounds.
DROP TABLE IF EXISTS bench_ogr_assets, bench_ogr_assets_joined
