-- Changes at every committed load: each edition's and each provision file's generation only
-- grows, so their sum grows with each commit whatever order concurrent loads commit in (the
-- maximum would not).
SELECT (coalesce((SELECT sum(generation) FROM edition), 0)
      + coalesce((SELECT sum(generation) FROM provision_file), 0))::bigint
