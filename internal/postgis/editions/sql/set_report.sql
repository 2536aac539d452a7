UPDATE edition SET report = $2 WHERE id = $1
