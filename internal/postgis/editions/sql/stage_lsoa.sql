CREATE TEMP TABLE stage_lsoa (
    code text, name text, lad_code text, lad_name text, icb_code text, icb_name text,
    msoa_code text, msoa_name text, region_code text, region_name text,
    imd_rank int, imd_decile smallint, imd_score float8,
    income_rank int, income_decile smallint, income_score float8,
    employment_rank int, employment_decile smallint, employment_score float8,
    education_rank int, education_decile smallint, education_score float8,
    health_rank int, health_decile smallint, health_score float8,
    crime_rank int, crime_decile smallint, crime_score float8,
    housing_rank int, housing_decile smallint, housing_score float8,
    environment_rank int, environment_decile smallint, environment_score float8,
    population bigint,
    px float8, py float8
) ON COMMIT DROP
