-- Distances from each LSOA point to the nearest asset of each category ('' = any category).
CREATE TEMP TABLE b_nearest (category text NOT NULL, code text NOT NULL, d float8) ON COMMIT DROP
