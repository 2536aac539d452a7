-- Fresh statistics for the planner after a large copy into staging.
ANALYZE placed
