-- The categories with the number of assets in each, in display order; categories that assets
-- use but the taxonomy no longer lists come last.
SELECT coalesce(c.id, n.category), coalesce(c.label, n.category), coalesce(c.group_id, 'other'),
       coalesce(c.group_label, 'Other'), coalesce(c.colour, '#777777'), coalesce(n.count, 0)
FROM category c
FULL JOIN (SELECT category, count(*) AS count FROM asset GROUP BY category) n ON n.category = c.id
ORDER BY c.position NULLS LAST, n.category
