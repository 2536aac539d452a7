package spatlas

import "testing"

// TestDisclose checks METHODS.md disclosure control: counts of people from 1 to 7 are
// suppressed, others rounded to the nearest 5.
func TestDisclose(t *testing.T) {
	tests := []struct {
		name   string
		n      int64
		want   int64
		wantOK bool
	}{
		{"zero is shown", 0, 0, true},
		{"one is suppressed", 1, 0, false},
		{"seven is suppressed", 7, 0, false},
		{"eight rounds up to ten", 8, 10, true},
		{"twelve rounds down to ten", 12, 10, true},
		{"thirteen rounds up to fifteen", 13, 15, true},
		{"a multiple of five is kept", 25, 25, true},
		{"1003 rounds to 1005", 1003, 1005, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Disclose(tt.n)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Disclose(%d) = %d, %v; want %d, %v", tt.n, got, ok, tt.want, tt.wantOK)
			}
			if ok && got%5 != 0 {
				t.Errorf("Disclose(%d) = %d: not a multiple of 5", tt.n, got)
			}
			if !ok && got != 0 {
				t.Errorf("Disclose(%d) suppressed but returned %d, want 0", tt.n, got)
			}
		})
	}
}
