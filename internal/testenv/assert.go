package testenv

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// ErrorMentions fails the test unless err is a *spatlas.Error of the code whose message contains
// every one of want.
func ErrorMentions(tb testing.TB, err error, code string, want ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want one mentioning %q", want)
	}
	if got := spatlas.ErrorCode(err); got != code {
		tb.Errorf("error code = %q, want %q (error: %v)", got, code, err)
	}
	msg := spatlas.ErrorMessage(err)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			tb.Errorf("error %q does not mention %q", msg, w)
		}
	}
}

// Gzip returns b gzipped.
func Gzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
