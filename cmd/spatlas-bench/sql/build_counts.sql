-- The provision a build benchmark works on.
SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM service)
