ANALYZE b_point
