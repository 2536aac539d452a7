-- $1 edition. A build waits for a load of its edition, and holds provision loads off while it
-- reads assets and services (shared, so the two editions build at once); released at commit.
SELECT pg_advisory_xact_lock(hashtext('spatlas.load.' || $1::text)),
    pg_advisory_xact_lock_shared(hashtext('spatlas.load.provision'))
