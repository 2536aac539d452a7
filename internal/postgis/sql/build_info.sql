-- $1 edition: its latest build, and whether it was built on the edition as loaded now.
SELECT b.params, b.keys, b.categories, b.england, b.generation, b.built_at, b.report,
    coalesce(b.keys->>'neighbours' LIKE 'edition ' || e.generation || ',%', false)
FROM build b
LEFT JOIN edition e ON e.id = b.edition
WHERE b.edition = $1
