-- $1 edition: every LSOA's gap and neighbours, for Gi*.
SELECT d.code, d.gap, coalesce(array_agg(n.nb ORDER BY n.nb) FILTER (WHERE n.nb IS NOT NULL), '{}') AS neighbours
FROM b_derived d
LEFT JOIN lsoa_neighbour n ON n.edition = $1 AND n.code = d.code
GROUP BY d.code, d.gap
ORDER BY d.code
