-- $1 edition, $2 level, $3 code, $4 positions of the metrics in the build's columns (vals). For
-- each: the area's value, its rank (1 = highest) and the number of areas with a value, among
-- all areas of its level in England, and among those in the LAD and the ICB wholly holding it.
-- Ranks are counts of higher values: one pass, no sort.
WITH v AS MATERIALIZED (
    SELECT k.i, m.code, m.lad_code AS lad, m.icb_code AS icb, m.vals[k.i] AS x
    FROM area_value m
    CROSS JOIN unnest($4::int[]) k(i)
    WHERE m.edition = $1 AND m.level = $2
), me AS (
    SELECT * FROM v WHERE code = $3
)
SELECT me.i, me.x,
    count(*) FILTER (WHERE v.x > me.x) + 1, count(v.x),
    count(*) FILTER (WHERE v.x > me.x AND v.lad = me.lad) + 1, count(v.x) FILTER (WHERE v.lad = me.lad),
    count(*) FILTER (WHERE v.x > me.x AND v.icb = me.icb) + 1, count(v.x) FILTER (WHERE v.icb = me.icb)
FROM me
JOIN v ON v.i = me.i
GROUP BY me.i, me.x
