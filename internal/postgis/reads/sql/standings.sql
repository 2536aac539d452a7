-- $1 edition, $2 level, $3 code, $4 positions of the metrics in the build's columns (vals). For
-- each: the area's value, its rank (1 = highest) and the number of areas with a value, among
-- all areas of its level in England, and among those in the LAD and the ICB wholly holding it.
-- Ranks are counts of higher values, in one pass over the level's rows: no sort, nothing
-- materialised.
WITH me AS (
    SELECT vals, lad_code, icb_code FROM area_value WHERE edition = $1 AND level = $2 AND code = $3
), k AS (
    SELECT i, me.vals[i] AS x, me.lad_code AS lad, me.icb_code AS icb
    FROM me CROSS JOIN unnest($4::int[]) i
)
SELECT k.i AS at, k.x,
    count(*) FILTER (WHERE m.vals[k.i] > k.x) + 1 AS rank_all, count(m.vals[k.i]) AS n_all,
    count(*) FILTER (WHERE m.vals[k.i] > k.x AND m.lad_code = k.lad) + 1 AS rank_lad,
    count(m.vals[k.i]) FILTER (WHERE m.lad_code = k.lad) AS n_lad,
    count(*) FILTER (WHERE m.vals[k.i] > k.x AND m.icb_code = k.icb) + 1 AS rank_icb,
    count(m.vals[k.i]) FILTER (WHERE m.icb_code = k.icb) AS n_icb
FROM k
CROSS JOIN area_value m
WHERE m.edition = $1 AND m.level = $2
GROUP BY k.i, k.x
