CREATE TEMP TABLE b_gi (code text, z float8, p float8, sig boolean) ON COMMIT DROP
