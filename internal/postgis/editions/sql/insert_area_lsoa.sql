-- $1 edition. The published LSOA properties, in lon/lat.
INSERT INTO area (edition, level, code, props, geom)
SELECT l.edition, 'lsoa', l.code,
    jsonb_build_object(
        'code', l.code, 'name', l.name, 'lad_code', l.lad_code, 'lad_name', l.lad_name,
        'icb_code', l.icb_code,
        'msoa_code', l.msoa_code, 'msoa_name', l.msoa_name,
        'region_code', l.region_code, 'region_name', l.region_name,
        'imd_rank', l.imd_rank, 'imd_decile', l.imd_decile, 'imd_score', l.imd_score,
        'income_rank', l.income_rank, 'income_decile', l.income_decile, 'income_score', l.income_score,
        'employment_rank', l.employment_rank, 'employment_decile', l.employment_decile, 'employment_score', l.employment_score,
        'education_rank', l.education_rank, 'education_decile', l.education_decile, 'education_score', l.education_score,
        'health_rank', l.health_rank, 'health_decile', l.health_decile, 'health_score', l.health_score,
        'crime_rank', l.crime_rank, 'crime_decile', l.crime_decile, 'crime_score', l.crime_score,
        'housing_rank', l.housing_rank, 'housing_decile', l.housing_decile, 'housing_score', l.housing_score,
        'environment_rank', l.environment_rank, 'environment_decile', l.environment_decile, 'environment_score', l.environment_score,
        'population', l.population),
    CASE WHEN ST_SRID(s.g) = 4326 THEN s.g ELSE ST_Transform(s.g, 4326) END
FROM lsoa l
LEFT JOIN stage_shape s ON s.code = l.code
WHERE l.edition = $1
