-- Reserves $1 consecutive asset ids and returns the first. Provision loads are serialised, and
-- nothing else draws from the sequence, so the block is the load's own.
SELECT setval(pg_get_serial_sequence('asset', 'id'), nextval(pg_get_serial_sequence('asset', 'id')) + $1::bigint - 1) - $1::bigint + 1
