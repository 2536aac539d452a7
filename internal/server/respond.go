package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Media types of the API.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// marshalJSON encodes v without escaping &, < and > (links carry query strings).
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSONStatus writes v as JSON with the given status. Values passed here are built by this
// package and always encode; a failure is a programming error reported as a 500.
func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	writeBodyStatus(w, status, mediaJSON, v)
}

// writeBodyStatus writes v as JSON labelled with the given media type.
func writeBodyStatus(w http.ResponseWriter, status int, mediaType string, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"internal","message":"internal error"}` + "\n")
		mediaType = mediaJSON
	}
	writeBytes(w, status, mediaType, b)
}

// writeBytes writes a complete body with its type and length.
func writeBytes(w http.ResponseWriter, status int, mediaType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// baseURL is the absolute scheme://host the client used: https when the connection is TLS or a
// proxy says so in X-Forwarded-Proto, and the Host header.
func baseURL(r *http.Request) string {
	return requestScheme(r) + "://" + r.Host
}

func requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		if i := strings.IndexByte(p, ','); i >= 0 {
			p = p[:i]
		}
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "https":
			return "https"
		case "http":
			return "http"
		}
	}
	return "http"
}

// link is an OGC API link object.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}
