-- $1 category: its assets alone, so that a nearest-neighbour search never wades through the
-- assets of other categories.
CREATE TEMP TABLE b_knn ON COMMIT DROP AS
SELECT geom FROM asset WHERE category = $1 ORDER BY id
