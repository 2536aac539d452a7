-- The taxonomy categories of each built edition's metrics.
SELECT edition, categories FROM build
