-- The supply of E2SFCA for link workers: each service's FTE.
CREATE TEMP TABLE b_supply ON COMMIT DROP AS
SELECT s.id, s.fte AS s
FROM service s
WHERE s.id IN (SELECT id FROM b_pair)
