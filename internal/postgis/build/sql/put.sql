-- $1 edition, $2 params, $3 stage keys, $4 categories, $5 England values, $6 report. A new generation, so that caches of the areas' properties are dropped.
INSERT INTO build (edition, params, keys, categories, england, generation, report)
VALUES ($1, $2, $3, $4, $5, nextval('generation_seq'), $6)
ON CONFLICT (edition) DO UPDATE SET params = excluded.params, keys = excluded.keys,
    categories = excluded.categories, england = excluded.england, generation = excluded.generation,
    built_at = now(), report = excluded.report
