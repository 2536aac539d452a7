ANALYZE b_knn
