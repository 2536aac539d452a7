package server

import (
	"net/http"
	"net/url"
	"strings"
)

// emptyStyleHash is the CSP hash of an empty <style> element. The map creates one and fills it
// through the CSSOM (insertRule, which CSP does not govern), the asset category colours of
// web/src/provision.js; without the hash browsers would give that element no style sheet. It
// allows no inline style with content, and no style attribute.
const emptyStyleHash = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"

// contentSecurityPolicy is the policy of every response. The map loads its scripts, styles and
// images from this server only (no inline script or style), fetches data from it, and draws
// basemap tiles from tileURL's origin when one is configured; no page may frame it.
func contentSecurityPolicy(tileURL string) string {
	img := "'self' data:"
	if src := tileSource(tileURL); src != "" {
		img += " " + src
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' " + emptyStyleHash + "; img-src " + img +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'" +
		"; form-action 'none'; frame-ancestors 'none'"
}

// tileSource is the CSP source expression of a tile URL template's origin: scheme and host, a
// leading {s} sub-domain label becoming the wildcard *. A template the expression cannot name
// exactly (a placeholder elsewhere in the host, no host) gives its scheme alone; an unusable URL
// gives "".
func tileSource(tileURL string) string {
	if tileURL == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(tileURL, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "https" && scheme != "http") {
		return ""
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if label, tail, ok := strings.Cut(host, "."); ok && strings.HasPrefix(label, "{") && strings.HasSuffix(label, "}") {
		host = "*." + tail
	}
	if host == "" || strings.ContainsAny(host, "{}@ ;,'\"") {
		return scheme + ":"
	}
	if _, err := url.Parse(scheme + "://" + strings.TrimPrefix(host, "*.")); err != nil {
		return scheme + ":"
	}
	return scheme + "://" + strings.ToLower(host)
}

// securityHeaders gives every response the headers of a strict browser policy: the CSP, no
// content sniffing, no framing (frame-ancestors and X-Frame-Options for older browsers), and
// a Referer holding only the origin when it leaves the site (basemap providers ask for one).
func securityHeaders(csp string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

// maxEcho is how many characters of a client's value an error message repeats.
const maxEcho = 200

// clip returns s, or its first maxEcho characters and "…" when it is longer, so that an error
// message never repeats more than a few hundred bytes of what the client sent.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == maxEcho {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// maxMessage bounds a whole error message, whatever it quotes.
const maxMessage = 2000

// clipMessage cuts a message to maxMessage characters.
func clipMessage(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	n := 0
	for i := range s {
		if n == maxMessage {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
