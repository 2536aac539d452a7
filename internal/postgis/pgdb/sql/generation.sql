-- Changes at every committed load or build: each edition's, provision file's and build's
-- generation only grows, so their sum grows with each commit whatever order concurrent loads
-- commit in (the maximum would not).
SELECT (coalesce((SELECT sum(generation) FROM edition), 0)
      + coalesce((SELECT sum(generation) FROM provision_file), 0)
      + coalesce((SELECT sum(generation) FROM build), 0))::bigint
