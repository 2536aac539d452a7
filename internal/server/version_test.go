package server

import (
	"net/http"
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"module version", debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs("abc123", "true")}, "v1.4.0"},
		{"revision", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "false")}, "abc123"},
		{"dirty revision", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "true")}, "abc123-dirty"},
		{"nothing known", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"empty version", debug.BuildInfo{}, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(&tt.bi); got != tt.want {
				t.Errorf("versionOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionShown checks that the version reaches the OpenAPI document, the landing page,
// /api/config and the ETags, and that without Config.Version it is the binary's.
func TestVersionShown(t *testing.T) {
	for _, tt := range []struct{ name, config, want string }{
		{"configured", "v2.0.0", "v2.0.0"},
		{"from the build", "", buildVersion()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Config{Version: tt.config})
			if tt.want == "" {
				t.Fatal("empty build version")
			}
			doc := decodeJSON(t, ts.get(t, "/ogc/api"), http.StatusOK)
			if v := doc["info"].(map[string]any)["version"]; v != tt.want {
				t.Errorf("OpenAPI info.version = %v, want %q", v, tt.want)
			}
			if v := decodeJSON(t, ts.get(t, "/ogc"), http.StatusOK)["version"]; v != tt.want {
				t.Errorf("landing page version = %v, want %q", v, tt.want)
			}
			if v := decodeJSON(t, ts.get(t, "/api/config"), http.StatusOK)["version"]; v != tt.want {
				t.Errorf("/api/config version = %v, want %q", v, tt.want)
			}
		})
	}

	// The same response of another release has another ETag.
	const target = "/ogc/collections/iod2019-lad/items"
	etag := func(version string) string {
		ts := newTestServer(t, Config{Version: version, CacheBytes: 1 << 20})
		res := ts.get(t, target)
		readBody(t, res)
		return res.Header.Get("Etag")
	}
	a, a2, b := etag("v1.0.0"), etag("v1.0.0"), etag("v1.0.1")
	if a == "" || a != a2 || a == b {
		t.Errorf("ETags v1.0.0 %q and %q, v1.0.1 %q: want equal within a release, different across", a, a2, b)
	}
}
