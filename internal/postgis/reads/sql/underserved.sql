-- $1 edition, $2 area (LAD, ICB or region code; null for England), $3 maximum IMD decile, $4
-- maximum provision percentile, $5 limit. Underserved LSOAs ranked by gap, then by hotspot z,
-- with how many there are and how many people live in them, and the nearest asset and link
-- worker service to each.
WITH u AS (
    SELECT l.code, l.name, l.lad_code, l.lad_name, l.imd_decile, l.population, l.point,
        m.need_pct, m.provision_pct, m.gap, m.gi_z, coalesce(m.gi_sig, false) AS gi_sig,
        count(*) OVER () AS n, sum(l.population) OVER () AS pop
    FROM lsoa l
    JOIN lsoa_metric m ON m.edition = l.edition AND m.code = l.code
    WHERE l.edition = $1
      AND ($2::text IS NULL OR $2 IN (l.lad_code, l.icb_code, l.region_code))
      AND l.imd_decile <= $3::int AND m.provision_pct <= $4::float8
    ORDER BY m.gap DESC, m.gi_z DESC NULLS LAST, l.code
    LIMIT $5
)
SELECT u.code, u.name, coalesce(u.lad_code, '') AS lad_code, coalesce(u.lad_name, '') AS lad_name, u.imd_decile,
    coalesce(u.population, 0) AS population, u.need_pct, u.provision_pct, u.gap, u.gi_z, u.gi_sig,
    u.n AS count, coalesce(u.pop, 0)::bigint AS total_population,
    na.id AS asset_id, na.name AS asset_name, na.category AS asset_category, na.d AS asset_d,
    na.lon AS asset_lon, na.lat AS asset_lat,
    ns.id AS service_id, ns.name AS service_name, ns.provider_type AS service_provider, ns.fte AS service_fte,
    ns.d AS service_d, ns.lon AS service_lon, ns.lat AS service_lat
FROM u
LEFT JOIN LATERAL (
    SELECT a.id::text AS id, a.name, a.category, ST_Distance(a.geom, u.point) AS d, ST_X(a.geom4326) AS lon, ST_Y(a.geom4326) AS lat
    FROM asset a ORDER BY a.geom <-> u.point LIMIT 1
) na ON u.point IS NOT NULL
LEFT JOIN LATERAL (
    SELECT s.id::text AS id, s.name, s.provider_type, s.fte, ST_Distance(s.geom, u.point) AS d, ST_X(s.geom4326) AS lon, ST_Y(s.geom4326) AS lat
    FROM service s ORDER BY s.geom <-> u.point LIMIT 1
) ns ON u.point IS NOT NULL
ORDER BY u.gap DESC, u.gi_z DESC NULLS LAST, u.code
