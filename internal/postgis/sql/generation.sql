-- Changes at every committed load: each edition's generation only grows, so their sum grows with
-- each commit whatever order concurrent loads commit in (the maximum would not).
SELECT coalesce(sum(generation), 0)::bigint FROM edition
