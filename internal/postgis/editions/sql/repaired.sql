SELECT count(*) FILTER (WHERE repaired) FROM stage_shape
