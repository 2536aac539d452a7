-- $1 edition: write the Gi* results staged in b_gi.
UPDATE lsoa_metric m SET gi_z = g.z, gi_p = g.p, gi_sig = g.sig
FROM b_gi g
WHERE m.edition = $1 AND m.code = g.code
