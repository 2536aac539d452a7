ANALYZE b_near
