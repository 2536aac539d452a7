-- $1 id, $2 edition, $3 the request (JSON), $4 client key, $5 lifetime in seconds. Stores a
-- scenario; expired ones are deleted on the way.
WITH gone AS (DELETE FROM scenario WHERE expires_at <= now())
INSERT INTO scenario (id, edition, request, client, expires_at)
VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8))
