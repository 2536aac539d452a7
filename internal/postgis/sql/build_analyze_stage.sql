-- Statistics for a stage's temporary tables and the metric rows, which autovacuum never sees
-- inside the build's transaction.
ANALYZE lsoa_metric, b_pair, b_access
