-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

-- One row per loaded edition. generation changes at every load so that caches can key on it.
CREATE TABLE edition (
    id           text PRIMARY KEY,
    title        text NOT NULL,
    lsoa_vintage int NOT NULL,
    lad_vintage  int NOT NULL,
    lsoa_count   int NOT NULL,
    population_source text NOT NULL,
    score_source text,
    generation   bigint NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    report       jsonb NOT NULL DEFAULT '{}'
);

CREATE SEQUENCE generation_seq;

-- Provenance: every source file behind an edition, with its checksum, so that a load can skip
-- what has not changed and a researcher can cite exactly what was used.
CREATE TABLE provenance (
    edition   text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    dataset   text NOT NULL,
    file      text NOT NULL,
    sha256    text NOT NULL,
    bytes     bigint NOT NULL,
    rows      bigint,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (edition, dataset, file)
);

-- LSOAs with their deprivation, typed for analysis; geometry in British National Grid metres.
CREATE TABLE lsoa (
    edition   text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    code      text NOT NULL,
    name      text,
    lad_code  text,
    lad_name  text,
    icb_code  text,
    icb_name  text,
    imd_rank  int, imd_decile smallint, imd_score double precision,
    income_rank int, income_decile smallint, income_score double precision,
    employment_rank int, employment_decile smallint, employment_score double precision,
    education_rank int, education_decile smallint, education_score double precision,
    health_rank int, health_decile smallint, health_score double precision,
    crime_rank int, crime_decile smallint, crime_score double precision,
    housing_rank int, housing_decile smallint, housing_score double precision,
    environment_rank int, environment_decile smallint, environment_score double precision,
    population bigint,
    geom      geometry(MultiPolygon, 27700),
    point     geometry(Point, 27700),
    point_source text,
    PRIMARY KEY (edition, code)
);
CREATE INDEX lsoa_geom_idx ON lsoa USING gist (geom);
CREATE INDEX lsoa_lad_idx ON lsoa (edition, lad_code);

-- What the OGC API serves, for every level: the published properties as one JSON object (so that
-- any queryable property can be filtered with @> on an index) and the geometry in lon/lat.
CREATE TABLE area (
    edition text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    level   text NOT NULL,
    code    text NOT NULL,
    props   jsonb NOT NULL,
    geom    geometry(MultiPolygon, 4326),
    PRIMARY KEY (edition, level, code)
);
CREATE INDEX area_geom_idx ON area USING gist (geom);
CREATE INDEX area_props_idx ON area USING gin (props jsonb_path_ops);

-- Geometries generalised for web-map zoom bands: coordinates snapped to a grid finer than a
-- pixel at the band's zoom. Neighbours share vertices, which snap to the same grid points, so no
-- gap opens between them.
CREATE TABLE area_geom (
    edition text NOT NULL,
    level   text NOT NULL,
    zoom    smallint NOT NULL,
    code    text NOT NULL,
    geom    geometry(Geometry, 4326),
    PRIMARY KEY (edition, level, code, zoom),
    FOREIGN KEY (edition, level, code) REFERENCES area (edition, level, code) ON DELETE CASCADE
);

-- One row per collection: its extent and count, so listing collections reads a handful of rows.
CREATE TABLE collection (
    edition text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    level   text NOT NULL,
    count   bigint NOT NULL,
    minx double precision, miny double precision, maxx double precision, maxy double precision,
    PRIMARY KEY (edition, level)
);

-- +goose Down
DROP TABLE collection, area_geom, area, lsoa, provenance, edition;
DROP SEQUENCE generation_seq;
