// Package reads answers the store's read queries: the OGC API collections and features (area
// collections of each edition, assets and services), the area profile, underserved areas, the
// rows of an inequality analysis, downloads and the dataset list. Collections arrive resolved;
// PostGIS serialises the features. Its queries are embedded from sql/.
package reads
