package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	mods := map[string]bool{"/repo/go.mod": true, "/repo/nested/mod/go.mod": true}
	exists := func(path string) bool { return mods[path] }
	tests := []struct {
		name, dir, want string
		wantErr         bool
	}{
		{name: "root itself", dir: "/repo", want: "/repo"},
		{name: "package folder", dir: "/repo/internal/app", want: "/repo"},
		{name: "unclean path", dir: "/repo/internal/../cmd/spatlas/", want: "/repo"},
		{name: "nearest module wins", dir: "/repo/nested/mod/pkg", want: "/repo/nested/mod"},
		{name: "no module", dir: "/elsewhere/pkg", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := moduleRoot(tt.dir, exists)
			if (err != nil) != tt.wantErr {
				t.Fatalf("moduleRoot(%q) error = %v, want error %v", tt.dir, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("moduleRoot(%q) = %q, want %q", tt.dir, got, tt.want)
			}
		})
	}
}

// TestDataDir runs in internal/testenv, two folders below the module root, so a relative
// SPATLAS_DATA must come back joined to the root, not to this folder.
func TestDataDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(filepath.Dir(wd))
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders above %s: %v", wd, err)
	}
	tests := []struct{ name, env, want string }{
		{name: "relative", env: "../shared/data", want: filepath.Join(filepath.Dir(root), "shared", "data")},
		{name: "relative dot", env: "./data/raw", want: filepath.Join(root, "data", "raw")},
		{name: "absolute", env: "/srv/data", want: "/srv/data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SPATLAS_DATA", tt.env)
			if got := DataDir(t); got != tt.want {
				t.Errorf("DataDir with SPATLAS_DATA=%s = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}
