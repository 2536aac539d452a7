-- Changes at every committed load, build or removal: each edition's, provision file's and
-- build's generation only grows, so their sum grows with each commit whatever order concurrent
-- loads commit in (the maximum would not); a removal adds what it took away, and more, to
-- generation_removed.
SELECT (coalesce((SELECT sum(generation) FROM edition), 0)
      + coalesce((SELECT sum(generation) FROM provision_file), 0)
      + coalesce((SELECT sum(generation) FROM build), 0)
      + coalesce((SELECT total FROM generation_removed), 0))::bigint
