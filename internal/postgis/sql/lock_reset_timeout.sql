-- Back to the connection's own statement timeout before it returns to the pool.
RESET statement_timeout
