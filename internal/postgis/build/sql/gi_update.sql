-- $1 edition: write the gap (b_derived) and the hotspots (b_gi) in one pass.
UPDATE lsoa_metric m SET need_pct = d.need_pct, provision_pct = d.provision_pct, gap = d.gap,
    underserved = d.underserved, gi_z = g.z, gi_p = g.p, gi_sig = g.sig
FROM b_derived d
LEFT JOIN b_gi g ON g.code = d.code
WHERE m.edition = $1 AND m.code = d.code
