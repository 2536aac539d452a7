-- +goose Up
-- The data generation is the sum of the generations of what is loaded, so removing a file would
-- make it fall back, perhaps to a value an earlier state had, and a cache keyed on it would serve
-- stale responses. Each removal adds here the generation it took away plus a fresh one, so the
-- sum only grows.
CREATE TABLE generation_removed (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    total bigint NOT NULL
);
INSERT INTO generation_removed (total) VALUES (0);

-- +goose Down
DROP TABLE generation_removed;
