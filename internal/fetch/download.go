package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// download makes one GET of url into the file w, replacing what w held, and returns the sha256
// and size of the body.
func (r *run) download(ctx context.Context, url string, w *os.File) (string, int64, error) {
	if err := w.Truncate(0); err != nil {
		return "", 0, err
	}
	if _, err := w.Seek(0, io.SeekStart); err != nil {
		return "", 0, err
	}
	resp, err := r.get(ctx, url)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	h := sha256.New()
	body := &bodyReader{r: resp.Body, url: url}
	n, err := io.Copy(io.MultiWriter(w, h), body)
	if err != nil {
		if body.err != nil {
			return "", 0, body.err
		}
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// get sends a GET and returns the response when its status is 200.
func (r *run) get(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is given with the error
		}
		return nil, &netError{url: url, err: err}
	}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, &statusError{url: url, code: resp.StatusCode, status: resp.Status}
	}
	return resp, nil
}

// retry calls try until it succeeds, fails for good, or has been tried r.attempts times, waiting
// r.backoff (doubled each time) in between.
func (r *run) retry(ctx context.Context, url string, try func() error) error {
	wait := r.backoff
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !transient(err) || attempt >= r.attempts {
			return err
		}
		r.log.Warn("download failed; trying again", "url", url, "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait *= 2
	}
}

// bodyReader remembers a failure to read a response body, so that it can be told from a failure
// to write the file.
type bodyReader struct {
	r   io.Reader
	url string
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = &netError{url: b.url, err: err}
	}
	return n, err
}

// Errors of a download.

// netError is a failure to reach a server or to read its answer: no connection, DNS, reset.
type netError struct {
	url string
	err error
}

func (e *netError) Error() string { return e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

// statusError is an HTTP answer other than 200 OK.
type statusError struct {
	url    string
	code   int
	status string
}

func (e *statusError) Error() string { return fmt.Sprintf("%s answered HTTP %s", e.url, e.status) }

// transient reports whether trying again may succeed.
func transient(err error) bool {
	var ne *netError
	var se *statusError
	var ae *arcgisError
	switch {
	case errors.As(err, &ne):
		return true
	case errors.As(err, &se):
		return se.code >= 500 || se.code == http.StatusRequestTimeout || se.code == http.StatusTooManyRequests
	case errors.As(err, &ae):
		return ae.Code >= 500 || ae.Code == http.StatusTooManyRequests
	}
	return false
}

// unreachable marks the user-facing error of a network failure.
type unreachable struct{ err *spatlas.Error }

func (e unreachable) Error() string { return e.err.Error() }
func (e unreachable) Unwrap() error { return e.err }

func isNetwork(err error) bool {
	var u unreachable
	return errors.As(err, &u)
}
