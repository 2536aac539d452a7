-- +goose Up
-- The need-versus-provision metrics of each edition (METHODS.md, "Need", "Provision", "Gap and
-- underserved areas"), rebuilt by `spatlas build` after a load. A reload of an edition removes
-- its metrics with it, so stale figures are never served against new areas.

-- One row per built edition: the parameters used, the input keys of each stage (so that a
-- change to one dataset recomputes only what depends on it), and the England values.
-- It outlives a reload of its edition (no foreign key), so the data generation, a sum over
-- editions, files and builds, still grows; its input keys then say it is out of date.
CREATE TABLE build (
    edition    text PRIMARY KEY,
    params     jsonb NOT NULL,
    keys       jsonb NOT NULL,
    categories text[] NOT NULL,
    england    jsonb NOT NULL,
    generation bigint NOT NULL,
    built_at   timestamptz NOT NULL DEFAULT now(),
    report     jsonb NOT NULL
);

-- Per-LSOA metrics, typed, as the stages compute them.
CREATE TABLE lsoa_metric (
    edition text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    code    text NOT NULL,
    -- assets stage
    assets_n             int,
    assets_by_category   jsonb,  -- category -> count
    nearest_asset_m      double precision,
    nearest_by_category  jsonb,  -- category -> metres
    assets_within_1600m  int,
    assets_access        double precision, -- E2SFCA, per person
    -- services stage
    lw_fte               double precision,
    lw_caseload          bigint,
    lw_access            double precision, -- E2SFCA, FTE per person
    -- derived stage
    need_pct             double precision,
    provision_pct        double precision,
    gap                  double precision,
    underserved          boolean,
    gi_z                 double precision,
    gi_p                 double precision,
    gi_sig               boolean,
    PRIMARY KEY (edition, code)
);

-- Queen contiguity of an edition's LSOAs: pairs whose polygons touch or overlap, both directions.
CREATE TABLE lsoa_neighbour (
    edition text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    code    text NOT NULL,
    nb      text NOT NULL,
    PRIMARY KEY (edition, code, nb)
);

-- The published metrics of every area of every level, served merged with area.props. Kept
-- apart from area so that a build rewrites small rows without touching the geometries or the
-- properties' index.
CREATE TABLE area_metric (
    edition text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    level   text NOT NULL,
    code    text NOT NULL,
    props   jsonb NOT NULL,
    PRIMARY KEY (edition, level, code)
);

-- The same numeric metrics by position in the build's columns, in narrow rows that need no
-- detoasting, with the LAD and ICB wholly holding the area: what ranks an area among its peers.
CREATE TABLE area_value (
    edition  text NOT NULL REFERENCES edition (id) ON DELETE CASCADE,
    level    text NOT NULL,
    code     text NOT NULL,
    lad_code text,
    icb_code text,
    vals     double precision[] NOT NULL,
    PRIMARY KEY (edition, level, code)
);

-- +goose Down
DROP TABLE area_value, area_metric, lsoa_neighbour, lsoa_metric, build;
