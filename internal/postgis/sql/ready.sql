SELECT count(*) FROM edition
