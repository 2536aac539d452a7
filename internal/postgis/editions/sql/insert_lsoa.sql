-- $1 edition. Geometry goes to British National Grid for measuring in metres. The LSOA's point
-- is its population-weighted centroid where one is loaded, else ST_PointOnSurface of its polygon,
-- and point_source says which (METHODS.md, Editions and geography).
INSERT INTO lsoa (
    edition, code, name, lad_code, lad_name, icb_code, icb_name,
    msoa_code, msoa_name, region_code, region_name,
    imd_rank, imd_decile, imd_score,
    income_rank, income_decile, income_score,
    employment_rank, employment_decile, employment_score,
    education_rank, education_decile, education_score,
    health_rank, health_decile, health_score,
    crime_rank, crime_decile, crime_score,
    housing_rank, housing_decile, housing_score,
    environment_rank, environment_decile, environment_score,
    population, geom, point, point_source)
SELECT $1, d.code, d.name, d.lad_code, d.lad_name, d.icb_code, d.icb_name,
    d.msoa_code, d.msoa_name, d.region_code, d.region_name,
    d.imd_rank, d.imd_decile, d.imd_score,
    d.income_rank, d.income_decile, d.income_score,
    d.employment_rank, d.employment_decile, d.employment_score,
    d.education_rank, d.education_decile, d.education_score,
    d.health_rank, d.health_decile, d.health_score,
    d.crime_rank, d.crime_decile, d.crime_score,
    d.housing_rank, d.housing_decile, d.housing_score,
    d.environment_rank, d.environment_decile, d.environment_score,
    d.population, b.geom,
    CASE WHEN d.px IS NOT NULL THEN ST_SetSRID(ST_MakePoint(d.px, d.py), 27700) ELSE ST_PointOnSurface(b.geom) END,
    CASE WHEN d.px IS NOT NULL THEN 'population_weighted_centroid'
         WHEN b.geom IS NOT NULL THEN 'point_on_surface' END
FROM stage_lsoa d
LEFT JOIN (
    SELECT code, CASE WHEN ST_SRID(g) = 27700 THEN g ELSE ST_Transform(g, 27700) END AS geom
    FROM stage_shape
) b ON b.code = d.code
