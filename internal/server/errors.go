package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// errorBody is the JSON of every error response.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handlerFunc serves a request and returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errorAdapter returns the wrapper that makes a handlerFunc an http.Handler: an error the
// handler returns is written by writeError, the one place an error reaches a client.
func errorAdapter(logger *slog.Logger) func(handlerFunc) http.Handler {
	return func(h handlerFunc) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r); err != nil {
				writeError(w, r, logger, err)
			}
		})
	}
}

// httpStatus maps an application error code to an HTTP status. It is the only such mapping.
func httpStatus(code string) int {
	switch code {
	case spatlas.EINVALID:
		return http.StatusBadRequest
	case spatlas.ENOTFOUND:
		return http.StatusNotFound
	case spatlas.ECONFLICT:
		return http.StatusConflict
	case spatlas.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// writeError reports err to the client as {"code","message"} JSON with the status of its code.
// Internal errors are logged in full and shown only as "internal error". A request abandoned by
// its client is logged and the response aborted: nobody is left to read it, and an implicit empty
// 200 must never reach a cache.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	ctx := r.Context()
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		logger.LogAttrs(ctx, slog.LevelInfo, "request abandoned by client",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("request_id", middleware.GetReqID(ctx)), slog.Any("err", err))
		panic(http.ErrAbortHandler)
	}
	code := spatlas.ErrorCode(err)
	msg := spatlas.ErrorMessage(err)
	if code == spatlas.EINTERNAL && errors.Is(err, context.DeadlineExceeded) {
		// The request is alive but a wait inside it ran out: the store found no free
		// connection in time (postgis.Options.AcquireTimeout).
		code, msg = spatlas.EUNAVAILABLE, "the server is busy; retry shortly"
	}
	status := httpStatus(code)
	if status == http.StatusInternalServerError {
		logger.LogAttrs(ctx, slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("query", r.URL.RawQuery),
			slog.String("request_id", middleware.GetReqID(ctx)), slog.Any("err", err))
		code, msg = spatlas.EINTERNAL, "internal error"
	} else if status == http.StatusServiceUnavailable {
		logger.LogAttrs(ctx, slog.LevelWarn, "service unavailable",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("request_id", middleware.GetReqID(ctx)), slog.Any("err", err))
	}
	writeErrorBody(w, status, code, msg)
}

// writeErrorBody writes one error response. Headers a successful response may have been given
// in advance (ETag, Content-Length, a download's Content-Disposition) are removed and the
// response is marked not to be stored; a 503 says when to retry. The message is cut to
// maxMessage characters.
func writeErrorBody(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", retryAfterUnavailable)
	}
	h.Del("Etag")
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	h.Del("Content-Disposition")
	h.Set("Cache-Control", "no-store")
	writeJSONStatus(w, status, errorBody{Code: code, Message: clipMessage(msg)})
}

// handleNotFound answers unknown routes under /ogc and /api with a JSON 404.
func handleNotFound() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeErrorBody(w, http.StatusNotFound, spatlas.ENOTFOUND, "no such resource: "+clip(r.URL.Path))
	}
}

// handleMethodNotAllowed answers known routes asked with a method they do not serve.
func handleMethodNotAllowed() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		writeErrorBody(w, http.StatusMethodNotAllowed, spatlas.EINVALID,
			"method "+clip(r.Method)+" not allowed on "+clip(r.URL.Path)+" (allowed: GET, HEAD)")
	}
}
