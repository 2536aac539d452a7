-- {{database}} is replaced by the database name quoted as an identifier
-- (pgx.Identifier.Sanitize): CREATE DATABASE takes no bound parameters.
CREATE DATABASE {{database}}
