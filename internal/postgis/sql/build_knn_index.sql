CREATE INDEX ON b_knn USING gist (geom)
