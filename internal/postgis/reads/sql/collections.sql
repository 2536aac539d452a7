SELECT c.edition, c.level, c.count, c.minx, c.miny, c.maxx, c.maxy
FROM collection c
ORDER BY c.edition, c.level
