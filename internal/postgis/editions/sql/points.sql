SELECT count(*) FILTER (WHERE point_source = 'population_weighted_centroid'),
       count(*) FILTER (WHERE point_source = 'point_on_surface')
FROM lsoa
WHERE edition = $1
