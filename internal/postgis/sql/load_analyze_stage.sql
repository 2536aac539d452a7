ANALYZE stage_lsoa, stage_geom
