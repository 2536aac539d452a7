-- @edition, @gap_metric, @max_decile underserved maximum decile, @max_provision_pct underserved
-- maximum provision percentile, @rank_digits significant digits of the ranked values. Need
-- percentile n = 1 - (rank - 1)/(N - 1); provision percentile p = (rank - 1)/(N - 1) ranking from
-- least to best provided with ties at the lowest rank (percent_rank), so every LSOA without
-- provision gets 0; the values are ranked rounded to @rank_digits significant digits, so that
-- values equal but for floating-point noise tie; gap = n - p; underserved (METHODS.md). Staged,
-- to be written with the hotspots in one pass.
CREATE TEMP TABLE b_derived ON COMMIT DROP AS
WITH v AS (
    SELECT m.code,
        CASE @gap_metric::text
            WHEN 'assets_access_per_1k' THEN m.assets_access
            WHEN 'lw_fte_per_10k' THEN m.lw_access
            WHEN 'assets_per_1k' THEN m.assets_n::float8 / nullif(l.population, 0)
            WHEN 'assets_within_1600m' THEN m.assets_within_1600m::float8
        END AS x,
        l.imd_rank, l.imd_decile, e.lsoa_count
    FROM lsoa_metric m
    JOIN lsoa l ON l.edition = m.edition AND l.code = m.code
    JOIN edition e ON e.id = m.edition
    WHERE m.edition = @edition
), r AS (
    SELECT code, imd_rank, imd_decile, lsoa_count,
        CASE WHEN x = 0 THEN 0::numeric
             ELSE round(x::numeric, @rank_digits::int - 1 - floor(log(abs(x)))::int) END AS x
    FROM v
), p AS (
    SELECT code, imd_decile,
        1 - (imd_rank - 1)::float8 / (lsoa_count - 1) AS n,
        CASE WHEN x IS NULL THEN NULL
             ELSE percent_rank() OVER (PARTITION BY x IS NULL ORDER BY x) END AS p
    FROM r
)
SELECT code, n AS need_pct, p AS provision_pct, n - p AS gap,
    imd_decile <= @max_decile::int AND p <= @max_provision_pct::float8 AS underserved
FROM p
