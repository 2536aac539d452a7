package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// handleHealthz says the process is up.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSONStatus(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// handleReadyz says whether the store is reachable and holds data: 200, or 503 with the reason.
// A reason that is not an application error is logged and shown as "not ready".
func handleReadyz(svc spatlas.FeatureService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := svc.Ready(r.Context()); err != nil {
			msg := "not ready"
			var e *spatlas.Error
			if errors.As(err, &e) {
				msg = e.Message
			}
			return fmt.Errorf("%w: %w", spatlas.Errorf(spatlas.EUNAVAILABLE, "%s", msg), err)
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSONStatus(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	}
}

// handleConfig tells the map what it cannot know by itself: the optional basemap.
func handleConfig(tileURL, tileAttribution, version string) http.Handler {
	type config struct {
		TileURL         string `json:"tile_url"`
		TileAttribution string `json:"tile_attribution"`
		Version         string `json:"version"`
	}
	c := config{TileURL: tileURL, TileAttribution: tileAttribution, Version: version}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, c)
	})
}

// notBuiltPage is served at / when the front end has not been built.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>spatlas</title></head>
<body><h1>spatlas</h1><p>front end not built: run make</p>
<p>The OGC API is at <a href="/ogc">/ogc</a>.</p></body></html>
`

// handleWeb serves the built front end. Without index.html, / says how to build it; directories
// are not listed.
func handleWeb(web fs.FS) http.Handler {
	if web == nil {
		web = emptyFS{}
	}
	files := http.FileServerFS(web)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if hidden(name) {
			http.NotFound(w, r)
			return
		}
		if name == "" || name == "index.html" {
			if _, err := fs.Stat(web, "index.html"); err != nil {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				w.Header().Set("Retry-After", retryAfterUnavailable)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(notBuiltPage))
				return
			}
			w.Header().Set("Cache-Control", "no-cache")
		} else if st, err := fs.Stat(web, name); err == nil && st.IsDir() {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// hidden reports whether a path names a dotfile or lies in a dot directory (.gitkeep, .git/):
// such files are not part of the map and are never served.
func hidden(name string) bool {
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// emptyFS is a file system with nothing in it.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
