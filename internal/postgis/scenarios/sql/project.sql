-- $1 edition, $2 longitudes, $3 latitudes (WGS 84), $4 tolerance in metres. Each point in
-- British National Grid metres, and whether it lies within the tolerance of an LSOA of the
-- edition (in England), in the order given.
SELECT ST_X(p.bng) AS x, ST_Y(p.bng) AS y,
    EXISTS (SELECT 1 FROM lsoa l WHERE l.edition = $1 AND ST_DWithin(l.geom, p.bng, $4::float8)) AS inside
FROM unnest($2::float8[], $3::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
CROSS JOIN LATERAL (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), 27700) AS bng) p
ORDER BY u.ord
