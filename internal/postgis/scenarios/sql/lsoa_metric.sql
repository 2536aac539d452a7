-- $1 edition, $2 the name of a numeric LSOA property (checked against the dictionary by the
-- caller): each LSOA's value, as published (the area's own properties, then its metrics); LSOAs
-- without a value are left out.
SELECT a.code, ((a.props || coalesce(m.props, '{}')) ->> $2)::float8 AS value
FROM area a
LEFT JOIN area_metric m ON m.edition = a.edition AND m.level = a.level AND m.code = a.code
WHERE a.edition = $1 AND a.level = 'lsoa'
    AND jsonb_typeof((a.props || coalesce(m.props, '{}')) -> $2) = 'number'
