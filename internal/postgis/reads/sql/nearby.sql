-- $1 edition, $2 level, $3 code, $4 how many of each. The assets and link worker services
-- nearest the area's point (an LSOA's population-weighted centroid or point on surface; for
-- larger areas a point on the surface of the area), by index-ordered search.
WITH o AS (
    SELECT coalesce(
        (SELECT l.point FROM lsoa l WHERE $2 = 'lsoa' AND l.edition = $1 AND l.code = $3),
        (SELECT ST_Transform(ST_PointOnSurface(a.geom), 27700) FROM area a WHERE a.edition = $1 AND a.level = $2 AND a.code = $3)) AS pt
)
(SELECT 'asset' AS kind, a.id::text AS id, a.name, a.category, ''::text AS provider, NULL::float8 AS fte,
        ST_Distance(a.geom, o.pt) AS distance_m, ST_X(a.geom4326) AS lon, ST_Y(a.geom4326) AS lat
 FROM o, asset a
 WHERE o.pt IS NOT NULL
 ORDER BY a.geom <-> o.pt
 LIMIT $4)
UNION ALL
(SELECT 'service', s.id::text, s.name, '', coalesce(s.provider_type, ''), s.fte,
        ST_Distance(s.geom, o.pt), ST_X(s.geom4326), ST_Y(s.geom4326)
 FROM o, service s
 WHERE o.pt IS NOT NULL
 ORDER BY s.geom <-> o.pt
 LIMIT $4)
