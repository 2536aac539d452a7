DROP TABLE IF EXISTS b_pair, b_supply, b_access, b_near
