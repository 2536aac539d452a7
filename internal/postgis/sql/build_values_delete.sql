-- $1 edition: the ranking values of the last build, replaced by this one's.
DELETE FROM area_value WHERE edition = $1
