-- A load may take minutes and may wait for another load of its edition: no statement timeout.
SET LOCAL statement_timeout = 0
