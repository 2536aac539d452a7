-- Fresh statistics for the planner, which would otherwise guess the new points' table small.
ANALYZE provision_new_points
