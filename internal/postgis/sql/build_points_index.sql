CREATE INDEX ON b_point USING gist (point)
