-- $1 edition (null for all): the latest builds, and whether each was built on its edition as
-- loaded now (a reload removes the metrics; the build row stays, for its generation).
SELECT b.edition, b.params, b.keys, b.categories, b.england, b.generation, b.built_at, b.report,
    coalesce(b.keys->>'neighbours' LIKE 'edition ' || e.generation || ',%', false) AS is_current
FROM build b
LEFT JOIN edition e ON e.id = b.edition
WHERE $1::text IS NULL OR b.edition = $1
ORDER BY b.edition
