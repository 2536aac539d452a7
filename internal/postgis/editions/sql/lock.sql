-- Serialises loads of one edition across processes; released at commit or rollback.
SELECT pg_advisory_xact_lock(hashtext('spatlas.load.' || $1::text))
