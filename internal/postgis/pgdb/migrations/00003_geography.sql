-- +goose Up
-- Each LSOA's MSOA and region, from the geography lookups: MSOAs are dissolved from their LSOAs,
-- regions from their districts, and every area can be filtered by the areas that hold it.
ALTER TABLE lsoa
    ADD COLUMN msoa_code   text,
    ADD COLUMN msoa_name   text,
    ADD COLUMN region_code text,
    ADD COLUMN region_name text;
CREATE INDEX lsoa_msoa_idx ON lsoa (edition, msoa_code);

-- +goose Down
DROP INDEX lsoa_msoa_idx;
ALTER TABLE lsoa DROP COLUMN msoa_code, DROP COLUMN msoa_name, DROP COLUMN region_code, DROP COLUMN region_name;
