package server_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/spatlas/spatlas/internal/server"
	"github.com/spatlas/spatlas/internal/spatlas"
)

func ExampleNew() {
	var store spatlas.FeatureService // the PostGIS store in cmd/spatlas
	h := server.New(server.Config{
		Features:   store,
		Logger:     slog.New(slog.DiscardHandler),
		Web:        fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>spatlas</title>")}},
		CacheBytes: 64 << 20,
		Version:    "v0.1.0",
	})
	srv := httptest.NewServer(h) // in cmd/spatlas: &http.Server{Addr: addr, Handler: h}
	defer srv.Close()

	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Body.Close()
	fmt.Println(res.Status, res.Header.Get("Content-Type"))
	// Output: 200 OK application/json
}
