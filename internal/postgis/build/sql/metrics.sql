-- $1 edition: every LSOA's metrics with what the aggregates need (its areas and population).
SELECT l.code, l.msoa_code, l.lad_code, l.icb_code, l.region_code, l.population::float8 AS population,
    m.assets_n, m.assets_by_category, m.nearest_asset_m, m.nearest_by_category, m.assets_within_1600m,
    m.assets_access, m.lw_fte, m.lw_caseload, m.lw_access,
    m.need_pct, m.provision_pct, m.gap, m.underserved, m.gi_z, m.gi_p, m.gi_sig
FROM lsoa l
JOIN lsoa_metric m ON m.edition = l.edition AND m.code = l.code
WHERE l.edition = $1
ORDER BY l.code
