-- Staging for the services of one file, as read.
CREATE TEMP TABLE stage_service (
    row_no        int NOT NULL,
    source_id     text,
    name          text NOT NULL,
    provider_type text NOT NULL,
    pcn_code      text,
    pcn_name      text,
    practice_code text,
    fte           float8 NOT NULL,
    caseload      bigint,
    address       text,
    postcode      text,
    url           text,
    x             float8 NOT NULL,
    y             float8 NOT NULL,
    srid          int NOT NULL,
    catchment     bytea,
    located_by    text
) ON COMMIT DROP
