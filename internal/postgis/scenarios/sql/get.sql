-- $1 id. A scenario that has not expired.
SELECT edition, request, created_at, expires_at
FROM scenario
WHERE id = $1 AND expires_at > now()
