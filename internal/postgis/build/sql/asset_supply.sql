-- The supply of E2SFCA for community assets: 1 per asset in reach of an LSOA point.
CREATE TEMP TABLE b_supply ON COMMIT DROP AS
SELECT DISTINCT id, 1::float8 AS s FROM b_pair
