ANALYZE b_nearest
