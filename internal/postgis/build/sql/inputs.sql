-- $1 edition. What the stages of a build depend on: the edition's generation and LSOA vintage,
-- and the generations of the asset and service files and the taxonomy's categories. No row when
-- the edition is not loaded.
SELECT e.generation, e.lsoa_vintage AS vintage,
    coalesce((SELECT string_agg(f.id || ':' || f.generation, ',' ORDER BY f.id)
              FROM provision_file f WHERE f.kind = 'assets'), '') AS asset_key,
    coalesce((SELECT string_agg(f.id || ':' || f.generation, ',' ORDER BY f.id)
              FROM provision_file f WHERE f.kind = 'services'), '') AS service_key,
    coalesce((SELECT array_agg(c.id ORDER BY c.position, c.id) FROM category c), '{}') AS categories
FROM edition e
WHERE e.id = $1
