-- The worked example of build_test.go: four LSOAs along a line (points at x = 0, 1,000, 2,000
-- and 4,000 m east of 400000 E, 300000 N, each in a 500 m square), three community assets and
-- three link worker services at x = 200, 1,800 and 3,300 m. Runs as edition iod2019 of a
-- database of its own.
DELETE FROM build;
DELETE FROM edition;
DELETE FROM asset_source;
DELETE FROM asset;
DELETE FROM service;
DELETE FROM provision_file;
DELETE FROM category;
INSERT INTO category (id, label, group_id, group_label, colour, position)
VALUES ('food', 'Food', 'basic', 'Basic needs', '#000000', 1), ('housing', 'Housing', 'basic', 'Basic needs', '#000000', 2);
INSERT INTO edition (id, title, lsoa_vintage, lad_vintage, lsoa_count, population_source, generation)
VALUES ('iod2019', 'worked example', 2011, 2019, 4, 'worked example', nextval('generation_seq'));
INSERT INTO lsoa (edition, code, name, lad_code, imd_rank, imd_decile, population, geom, point, point_source)
SELECT 'iod2019', code, code, 'E09000001', rank, decile, pop,
    ST_Multi(ST_MakeEnvelope(400000 + x - 250, 299750, 400000 + x + 250, 300250, 27700)),
    ST_SetSRID(ST_MakePoint(400000 + x, 300000), 27700), 'worked example'
FROM (VALUES ('P1', 0, 1000, 1, 1), ('P2', 1000, 2000, 2, 3), ('P3', 2000, 500, 3, 6), ('P4', 4000, 1500, 4, 10))
    AS v (code, x, pop, rank, decile);
INSERT INTO asset (id, name, category, geom, geom4326, lsoa11_code)
SELECT id, name, category, g, ST_Transform(g, 4326), lsoa
FROM (VALUES (1, 'S1', 'food', 200, 'P1'), (2, 'S2', 'food', 1800, 'P3'), (3, 'S3', 'housing', 3300, NULL))
    AS v (id, name, category, x, lsoa)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(400000 + x, 300000), 27700) AS g) p;
INSERT INTO provision_file (dataset, file, kind, generation, report)
VALUES ('worked-example', 'services.csv', 'services', nextval('generation_seq'), '{}');
INSERT INTO service (file_id, row_no, name, provider_type, fte, caseload, geom, geom4326, lsoa11_code)
SELECT (SELECT id FROM provision_file), id, name, 'pcn', fte, caseload, g, ST_Transform(g, 4326), lsoa
FROM (VALUES (1, 'S1', 2.0, 12, 'P1'), (2, 'S2', 1.0, 3, 'P3'), (3, 'S3', 0.5, NULL, NULL))
    AS v (id, name, fte, caseload, lsoa)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(400000 + CASE id WHEN 1 THEN 200 WHEN 2 THEN 1800 ELSE 3300 END, 300000), 27700) AS g) p;
