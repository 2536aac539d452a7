package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestPrintProvisionReportGroups(t *testing.T) {
	issues := func(groups, rowsEach int) spatlas.Issues {
		var is spatlas.Issues
		for g := range groups {
			for range rowsEach + groups - g { // the first groups are the largest
				is.Rows = append(is.Rows, spatlas.RowIssue{Row: len(is.Rows) + 2, Reason: fmt.Sprintf("reason %d", g)})
			}
		}
		is.Count = len(is.Rows)
		return is
	}
	tests := []struct {
		name      string
		groups    int
		wants     []string
		forbidden []string
	}{
		{"few groups, all listed", 3, []string{"excluded 4× reason 0", "excluded 2× reason 2"}, []string{"more groups"}},
		{"eleven groups, all listed", 11, []string{"excluded 2× reason 10"}, []string{"more groups"}},
		// Groups 10 to 13 have 5, 4, 3 and 2 rows: 14 rows.
		{"fourteen groups, the rest summed", 14, []string{"excluded 6× reason 9", "excluded: and 4 more groups (14 rows); -json lists every row"},
			[]string{"reason 10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := issues(tt.groups, 1)
			r := &spatlas.ProvisionReport{Dataset: "d", File: "f.csv", Kind: "assets", RowsRead: ex.Count, Excluded: ex,
				Warnings: []string{"3 of 3 assets loaded have no name"}}
			var b bytes.Buffer
			printProvisionReport(&b, r)
			out := b.String()
			for _, w := range append(tt.wants, "  warning: 3 of 3 assets loaded have no name") {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
			for _, f := range tt.forbidden {
				if strings.Contains(out, f) {
					t.Errorf("report has %q:\n%s", f, out)
				}
			}
		})
	}
}
