-- $1 edition. The demand points of E2SFCA and the origins of distances: each LSOA's point
-- (population-weighted centroid, else point on surface) and population.
CREATE TEMP TABLE b_point ON COMMIT DROP AS
SELECT code, coalesce(population, 0)::float8 AS pop, point
FROM lsoa
WHERE edition = $1 AND point IS NOT NULL
