// Package web holds the spatlas map: the built front end (Leaflet and the app) embedded in the
// binary. The sources live in web/src; `npm run build` (run by make) writes them to web/dist,
// which is embedded here. A clean checkout embeds only a placeholder, so it compiles before the
// front end is built; the server then has no index.html to serve.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built front end, rooted at the folder holding index.html.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "dist" is a valid one.
		panic(err)
	}
	return sub
}
