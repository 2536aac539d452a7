-- Serialises provision loads across processes (duplicates are found across files, so two loads
-- must not interleave); released at commit or rollback.
SELECT pg_advisory_xact_lock(hashtext('spatlas.load.provision'))
