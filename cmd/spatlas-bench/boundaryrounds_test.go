package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAlternateAll(t *testing.T) {
	tests := []struct {
		name    string
		rounds  int
		fail    string // the contender that fails, if any
		order   [][]string
		wantErr string
	}{
		{name: "order rotates by one each round", rounds: 3,
			order: [][]string{{"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}}},
		{name: "one round", rounds: 1, order: [][]string{{"b", "c", "a"}}},
		{name: "an error names the contender", rounds: 2, fail: "c", wantErr: "c: broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			var cs []contender
			for i, name := range []string{"a", "b", "c"} {
				cs = append(cs, contender{name: name, run: func(round string) (time.Duration, error) {
					ran = append(ran, name+"@"+round)
					if name == tt.fail {
						return 0, errors.New("broken")
					}
					return time.Duration(i+1) * time.Second, nil
				}})
			}
			got, err := alternateAll(tt.rounds, cs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.names, []string{"a", "b", "c"}) {
				t.Errorf("names = %q", got.names)
			}
			if want := []string{"a@warm-up", "b@warm-up", "c@warm-up"}; !slices.Equal(ran[:3], want) {
				t.Errorf("warm-up ran %q, want %q", ran[:3], want)
			}
			if len(got.rounds) != len(tt.order) {
				t.Fatalf("%d rounds, want %d", len(got.rounds), len(tt.order))
			}
			for i, rd := range got.rounds {
				if !slices.Equal(rd.order, tt.order[i]) {
					t.Errorf("round %d ran %q, want %q", i+1, rd.order, tt.order[i])
				}
				if want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}; !slices.Equal(rd.times, want) {
					t.Errorf("round %d times %v, want %v (by contender, not by order)", i+1, rd.times, want)
				}
			}
		})
	}
}
