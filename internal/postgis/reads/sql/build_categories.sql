-- The taxonomy categories and parameters of each built edition's metrics.
SELECT edition, categories, params FROM build
