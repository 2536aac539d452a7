-- $1 edition: its latest build, if any.
SELECT params, keys, categories, england, generation, built_at, report
FROM build
WHERE edition = $1
