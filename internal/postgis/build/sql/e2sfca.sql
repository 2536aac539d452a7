-- E2SFCA (Luo & Qi 2009; METHODS.md, "Provision") over the pairs in b_pair(code, id, d) and
-- the supplies in b_supply(id, s). $1 catchment d0 in metres, $2-$4 the weights of its three
-- equal bands, nearest first. Step 1: R_j = S_j / sum over points k within d0 of P_k W(d_kj);
-- step 2: A_i = sum over sites j within d0 of R_j W(d_ij). A site with no population in reach
-- serves nobody; points with no site in reach are not listed (0). A_i is per unit of population.
CREATE TEMP TABLE b_access ON COMMIT DROP AS
WITH w AS (
    SELECT p.code, p.id,
        CASE WHEN p.d <= $1::float8 / 3 THEN $2::float8
             WHEN p.d <= 2 * $1::float8 / 3 THEN $3::float8
             ELSE $4::float8 END AS w
    FROM b_pair p
    WHERE p.d <= $1::float8
), r AS (
    SELECT w.id, s.s / nullif(sum(pt.pop * w.w), 0) AS r
    FROM w
    JOIN b_point pt ON pt.code = w.code
    JOIN b_supply s ON s.id = w.id
    GROUP BY w.id, s.s
)
SELECT w.code, sum(r.r * w.w) AS a
FROM w
JOIN r ON r.id = w.id
WHERE r.r IS NOT NULL
GROUP BY w.code
