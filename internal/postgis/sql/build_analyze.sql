-- Fresh statistics for the tables a build has just filled, so that the planner does not take
-- them for empty (a nested loop over 200,000 neighbour pairs).
ANALYZE lsoa_metric, lsoa_neighbour
