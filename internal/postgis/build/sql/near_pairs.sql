-- The nearest asset of each category within the pairs' radius, for each LSOA point: exact
-- wherever there is one in reach, so the index-ordered search is only needed for the rest.
CREATE TEMP TABLE b_near ON COMMIT DROP AS
SELECT p.code, a.category, min(p.d) AS d
FROM b_pair p
JOIN asset a ON a.id = p.id
GROUP BY p.code, a.category
