SELECT pg_advisory_lock(hashtext($1::text))
