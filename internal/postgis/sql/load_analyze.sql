ANALYZE lsoa, area, area_geom
