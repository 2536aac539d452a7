package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// observe logs one line per request (method, path, route, status, bytes written, duration,
// client address, request ID) and records its duration in the metrics. When the logger does not
// record Info, only the metrics are kept.
func observe(logger *slog.Logger, m *metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			d := time.Since(start)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			var route string
			if rctx := chi.RouteContext(ctx); rctx != nil {
				route = rctx.RoutePattern()
			}
			m.observe(route, r.Method, status, d)
			if !logger.Enabled(ctx, slog.LevelInfo) {
				return
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", d),
				slog.String("client", clientIP(r)),
				slog.String("request_id", middleware.GetReqID(ctx)),
			)
		})
	}
}

// recoverer turns a panic in a handler into a logged error with its stack and a JSON 500.
func recoverer(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
					panic(v)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("request_id", middleware.GetReqID(r.Context())),
					slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				writeErrorBody(w, http.StatusInternalServerError, spatlas.EINTERNAL, "internal error")
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// headAsGet routes HEAD requests to the GET handlers; net/http drops the body they write.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				rctx.RouteMethod = http.MethodGet
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cors lets pages of any origin read the APIs, which serve open data without credentials: GET
// and HEAD responses carry Access-Control-Allow-Origin: *, and preflight OPTIONS requests are
// answered here. No cookie or credential is ever read, so no origin gains anything by it.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.Set("Access-Control-Allow-Origin", "*")
		case http.MethodOptions:
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
				h.Set("Access-Control-Allow-Headers", rh)
			}
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
