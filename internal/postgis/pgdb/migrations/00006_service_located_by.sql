-- +goose Up
-- The file that placed a service when it is not the service's own: for the national link worker
-- layer, the practice file (ODS epraccur, NHS Choices 2014, the practice map) whose coordinates
-- or postcode gave the practice its place.
ALTER TABLE service ADD COLUMN located_by text;

-- +goose Down
ALTER TABLE service DROP COLUMN located_by;
