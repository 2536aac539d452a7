-- $1 edition, $2 codes: the published properties of those areas, of any level (the peers an
-- area profile compares with).
SELECT a.code, a.props || coalesce(m.props, '{}') AS props
FROM area a
LEFT JOIN area_metric m ON m.edition = a.edition AND m.level = a.level AND m.code = a.code
WHERE a.edition = $1 AND a.code = ANY ($2::text[])
