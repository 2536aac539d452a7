-- $1 edition, $2 code: whether an area of any level has that code.
SELECT EXISTS (SELECT 1 FROM area WHERE edition = $1 AND code = $2)
