-- Staging for the assets of one file, as read: coordinates in the source's CRS, an area as WKB.
CREATE TEMP TABLE stage_asset (
    row_no    int NOT NULL,
    source_id text,
    name      text NOT NULL,
    name_key  text,
    category  text NOT NULL,
    address   text,
    postcode  text,
    url       text,
    x         float8 NOT NULL,
    y         float8 NOT NULL,
    srid      int NOT NULL,
    area      bytea
) ON COMMIT DROP
