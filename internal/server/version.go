package server

import "runtime/debug"

// buildVersion is the version of the running binary, from its build information: the module
// version when it was built from a module (go install ...@v1.2.3), else the VCS revision with
// "-dirty" when the work tree had changes, else "dev".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return versionOf(bi)
}

// versionOf reads the version from build information.
func versionOf(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if modified {
		rev += "-dirty"
	}
	return rev
}
