package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestErrorAdapter(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		status   int
		code     string
		message  string
		logged   string // in the log, "" for nothing at Warn or above
		download bool   // the handler had set a download's headers
	}{
		{"nil writes nothing more", nil, http.StatusOK, "", "", "", false},
		{"invalid", spatlas.Errorf(spatlas.EINVALID, "limit=0: want 1 to 10"), http.StatusBadRequest, spatlas.EINVALID, "limit=0: want 1 to 10", "", false},
		{"not found", spatlas.Errorf(spatlas.ENOTFOUND, "no area"), http.StatusNotFound, spatlas.ENOTFOUND, "no area", "", true},
		{"conflict", spatlas.Errorf(spatlas.ECONFLICT, "busy"), http.StatusConflict, spatlas.ECONFLICT, "busy", "", false},
		{"unavailable", spatlas.Errorf(spatlas.EUNAVAILABLE, "no database"), http.StatusServiceUnavailable, spatlas.EUNAVAILABLE, "no database", "service unavailable", false},
		{"wrapped", fmt.Errorf("reading: %w", spatlas.Errorf(spatlas.EINVALID, "bad")), http.StatusBadRequest, spatlas.EINVALID, "bad", "", false},
		{"internal detail stays in the log", errors.New("pq: relation b_knn does not exist"), http.StatusInternalServerError, spatlas.EINTERNAL, "internal error", "relation b_knn", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			h := errorAdapter(slog.New(slog.NewTextHandler(&logs, nil)))(func(w http.ResponseWriter, r *http.Request) error {
				if tt.download {
					w.Header().Set("Content-Disposition", `attachment; filename="x.csv"`)
					w.Header().Set("Content-Length", "99")
				}
				if tt.err == nil {
					writeJSONStatus(w, http.StatusOK, map[string]string{"ok": "yes"})
				}
				return tt.err
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/x", nil))
			res := rec.Result()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.err == nil {
				return
			}
			var body errorBody
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Code != tt.code || body.Message != tt.message {
				t.Errorf("body %+v, want code %q message %q", body, tt.code, tt.message)
			}
			if res.Header.Get("Content-Type") != mediaJSON || res.Header.Get("Cache-Control") != "no-store" ||
				res.Header.Get("Content-Disposition") != "" {
				t.Errorf("headers %v", res.Header)
			}
			if got := logs.String(); tt.logged == "" && got != "" || !strings.Contains(got, tt.logged) {
				t.Errorf("log %q, want it to hold %q", got, tt.logged)
			}
		})
	}

	t.Run("abandoned request aborts", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		h := errorAdapter(slog.New(slog.DiscardHandler))(func(w http.ResponseWriter, r *http.Request) error {
			return r.Context().Err()
		})
		defer func() {
			if v := recover(); v != http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/x", nil).WithContext(ctx))
	})
}
