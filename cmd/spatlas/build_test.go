package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBuildRejectsBadParameters checks that build parameters are checked before anything is
// opened, with a message that names the flag's problem.
func TestBuildRejectsBadParameters(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"two weights", []string{"-weights", "1,0.5"}, "three comma-separated numbers"},
		{"weight not a number", []string{"-weights", "1,x,0.2"}, `"x" is not a number`},
		{"weight above 1", []string{"-weights", "1,0.68,2"}, "weight 3 is 2"},
		{"gap metric", []string{"-gap-metric", "imd_rank"}, `gap metric "imd_rank"`},
		{"catchment", []string{"-assets-catchment", "0"}, "assets catchment 0 m"},
		{"decile", []string{"-underserved-decile", "11"}, "underserved decile 11"},
		{"percentile", []string{"-underserved-pct", "1.5"}, "underserved provision percentile 1.5"},
		{"edition", []string{"-edition", "iod2010"}, "iod2010"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			getenv := func(k string) string {
				if k == "DATABASE_URL" {
					return "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"
				}
				return ""
			}
			err := run(context.Background(), append([]string{"build"}, tt.args...), getenv, strings.NewReader(""), &bytes.Buffer{}, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build %v: error %v, want one containing %q", tt.args, err, tt.want)
			}
		})
	}
}
