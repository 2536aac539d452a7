-- A lock may be waited for as long as its caller's context allows, beyond the statement timeout
-- of serving connections.
SET statement_timeout = 0
