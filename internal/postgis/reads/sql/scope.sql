-- $1 edition, $2 code: the LAD, ICB or region of that code, for scoping an analysis.
SELECT level, props->>'name'
FROM area
WHERE edition = $1 AND code = $2 AND level IN ('lad', 'icb', 'region')
