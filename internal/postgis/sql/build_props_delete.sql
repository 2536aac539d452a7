-- $1 edition: the published metrics of the last build, replaced by this one's.
DELETE FROM area_metric WHERE edition = $1
