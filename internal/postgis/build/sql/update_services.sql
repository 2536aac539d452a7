-- $1 edition, $2 LSOA vintage. Writes the services stage: link worker FTE and caseload based
-- inside each LSOA, and E2SFCA accessibility to FTE (b_access, FTE per person).
WITH based AS (
    SELECT CASE WHEN $2::int = 2011 THEN s.lsoa11_code ELSE s.lsoa21_code END AS code,
        sum(s.fte) AS fte, sum(s.caseload) AS caseload
    FROM service s
    GROUP BY 1
)
UPDATE lsoa_metric m SET
    lw_fte = coalesce(b.fte, 0),
    lw_caseload = b.caseload,
    lw_access = CASE WHEN l.point IS NULL THEN NULL ELSE coalesce(x.a, 0) END
FROM lsoa l
LEFT JOIN based b ON b.code = l.code
LEFT JOIN b_access x ON x.code = l.code
WHERE l.edition = $1 AND m.edition = l.edition AND m.code = l.code
