-- How many rows ogr2ogr loaded, and whether it built a GiST index on them.
SELECT (SELECT count(*) FROM bench_ogr),
       EXISTS (SELECT 1 FROM pg_indexes
               WHERE schemaname = current_schema() AND tablename = 'bench_ogr'
                 AND indexdef ILIKE '%USING gist%')
