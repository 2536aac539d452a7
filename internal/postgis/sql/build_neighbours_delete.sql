-- $1 edition.
DELETE FROM lsoa_neighbour WHERE edition = $1
