INSERT INTO edition (id, title, lsoa_vintage, lad_vintage, lsoa_count, population_source, score_source, generation)
VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('generation_seq'))
RETURNING generation
