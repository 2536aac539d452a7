package readers

import (
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

func TestWarnings(t *testing.T) {
	assets := func(spec ...string) []spatlas.Asset { // "name/category"
		var out []spatlas.Asset
		for _, s := range spec {
			name, cat, _ := strings.Cut(s, "/")
			out = append(out, spatlas.Asset{Name: name, Category: cat})
		}
		return out
	}
	fields := []string{"site_name", "site_type"}
	tests := []struct {
		name   string
		im     spatlas.Import
		wants  []string
		number int
	}{
		{"named and categorised", spatlas.Import{Assets: assets("A/food", "B/other", "/green-space"), Fields: fields}, nil, 0},
		{"none loaded", spatlas.Import{Fields: fields}, nil, 0},
		{"most unnamed, all other", spatlas.Import{Assets: assets("/other", "/other", "C/other"), Fields: fields}, []string{
			`2 of 3 assets loaded have no name: if the file has names, name the field with -columns name=FIELD (the records have "site_name", "site_type")`,
			`3 of 3 assets loaded are in category "other"`, "-columns category=FIELD"}, 2},
		{"half unnamed is not most", spatlas.Import{Assets: assets("/food", "B/food")}, nil, 0},
		{"no fields known", spatlas.Import{Assets: assets("/food")}, []string{"its fields are not known"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Warnings(&tt.im)
			if len(got) != tt.number {
				t.Fatalf("%d warnings %q, want %d", len(got), got, tt.number)
			}
			all := strings.Join(got, "\n")
			for _, w := range tt.wants {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", got, w)
				}
			}
		})
	}
}
