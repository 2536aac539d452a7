ANALYZE b_derived
