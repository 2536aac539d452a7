-- +goose Up
-- What-if scenarios (METHODS.md, "Siting"): the request as posted, kept until it expires. A
-- table of its own, with no key to the loaded data, so that scenarios never touch it and
-- outlive a reload (they are answered on the data as loaded when read).
CREATE TABLE scenario (
    id         text PRIMARY KEY, -- 128 random bits, hex
    edition    text NOT NULL,
    request    jsonb NOT NULL,
    client     text,             -- what the creation rate limit counted, hashed
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX scenario_expires_idx ON scenario (expires_at);

-- +goose Down
DROP TABLE scenario;
