-- $1 edition: every LSOA's gap and neighbours, for Gi*.
SELECT m.code, m.gap, coalesce(array_agg(n.nb ORDER BY n.nb) FILTER (WHERE n.nb IS NOT NULL), '{}')
FROM lsoa_metric m
LEFT JOIN lsoa_neighbour n ON n.edition = m.edition AND n.code = m.code
WHERE m.edition = $1
GROUP BY m.code, m.gap
ORDER BY m.code
