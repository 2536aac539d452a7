-- Every edition's latest build.
SELECT edition FROM build ORDER BY edition
