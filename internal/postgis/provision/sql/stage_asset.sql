-- Staging for the assets of one file, as read: ord is the record's position in the import (one
-- source row can yield several records), row_no its row or feature; coordinates in the source's
-- CRS, an area as WKB; dup marks names that occur more than once in the file.
CREATE TEMP TABLE provision_stage_asset (
    ord       int NOT NULL,
    row_no    int NOT NULL,
    source_id text,
    name      text NOT NULL,
    name_key  text,
    dup       bool NOT NULL,
    category  text NOT NULL,
    address   text,
    postcode  text,
    url       text,
    x         float8 NOT NULL,
    y         float8 NOT NULL,
    srid      int NOT NULL,
    area      bytea
) ON COMMIT DROP
