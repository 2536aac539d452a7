package fetch

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Statuses of a file in a Report.
const (
	StatusFetched = "fetched" // downloaded now
	StatusSkipped = "skipped" // already in its folder; not downloaded again
	StatusKept    = "kept"    // the dataset folder holds data spatlas did not fetch: left alone
)

// Fetcher downloads the files of a manifest into a data directory. The zero value is ready to
// use: it makes its own HTTP client and logs nothing.
type Fetcher struct {
	Client *http.Client // nil: NewClient()
	Logger *slog.Logger // nil: no logging
	// Force downloads files again even when they are present, and fetches into dataset folders
	// that hold data spatlas did not fetch.
	Force bool
	// Attempts is how many times a request is tried when it fails in a way that may pass
	// (no connection, HTTP 5xx, 408, 429); 0 means 3.
	Attempts int
	// Backoff is the wait before the second try, doubled before each further one; 0 means 2s.
	Backoff time.Duration
	// OnFile, when set, is called as each file is done, for progress output.
	OnFile func(FileReport)
}

// Report says what a fetch did, one entry per file in the order they were handled.
type Report struct {
	Files []FileReport
}

// FileReport is what happened to one file.
type FileReport struct {
	Dataset string
	File    string // file name; empty for a kept dataset
	Path    string // file (or, for a kept dataset, folder) path
	Source  string // URL or ArcGIS layer
	Status  string // StatusFetched, StatusSkipped or StatusKept
	Bytes   int64  // size of the file as written
	SHA256  string // sha256 of the file as written
}

// NewClient returns the HTTP client a Fetcher uses when given none: the proxy from the
// environment, and time limits on connecting and on waiting for a response, but none on the
// length of a download.
func NewClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 3 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}}
}

const userAgent = "spatlas-fetch/1 (+https://github.com/spatlas/spatlas)"

// run is one Fetch call: the fetcher with its defaults filled in.
type run struct {
	*Fetcher
	client   *http.Client
	log      *slog.Logger
	attempts int
	backoff  time.Duration
}

// Fetch downloads the files of the named datasets (all of the manifest's when datasets is empty)
// into their folders under dataDir. A file already present is skipped unless f.Force; a dataset
// folder that holds data but no FETCHED.json is kept as it is unless f.Force.
//
// After an HTTP error the other files are still fetched and all failures are returned together;
// a network failure (no connection) stops the fetch, as every other download would fail too.
// The report lists the files handled so far, also on error.
func (f *Fetcher) Fetch(ctx context.Context, m Manifest, dataDir string, datasets []string) (Report, error) {
	r := &run{Fetcher: f, client: f.Client, log: f.Logger, attempts: f.Attempts, backoff: f.Backoff}
	if r.client == nil {
		r.client = NewClient()
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.attempts <= 0 {
		r.attempts = 3
	}
	if r.backoff <= 0 {
		r.backoff = 2 * time.Second
	}
	if len(datasets) == 0 {
		datasets = m.Names()
	}
	var sets []Dataset
	for _, name := range datasets {
		d, ok := m.Dataset(name)
		if !ok {
			return Report{}, spatlas.Errorf(spatlas.EINVALID, "unknown dataset %q (known: %s)", name, strings.Join(m.Names(), ", "))
		}
		sets = append(sets, d)
	}

	var rep Report
	var failures []error
	for _, d := range sets {
		err := r.dataset(ctx, d, dataDir, &rep, &failures)
		if err != nil { // the fetch cannot go on
			failures = append(failures, err)
			break
		}
	}
	return rep, joinFailures(failures)
}

// dataset fetches the files of one dataset. It appends per-file failures the fetch can go on
// after to failures, and returns the one it cannot.
func (r *run) dataset(ctx context.Context, d Dataset, dataDir string, rep *Report, failures *[]error) error {
	dir := filepath.Join(dataDir, d.Name)
	if !r.Force && present(dir) && !exists(filepath.Join(dir, FetchedFile)) {
		r.log.Info("dataset folder holds data spatlas did not fetch; keeping it", "dataset", d.Name, "dir", dir)
		r.done(rep, FileReport{Dataset: d.Name, Path: dir, Status: StatusKept})
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "dataset %s: cannot create its folder: %v", d.Name, err)
	}
	defer os.Remove(dir) // only removes a folder nothing was fetched into
	for _, file := range d.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		target := filepath.Join(dir, file.Name)
		if !r.Force && exists(target) {
			sum, n, err := textio.Checksum(target)
			if err != nil {
				return spatlas.Errorf(spatlas.EUNAVAILABLE, "dataset %s: %v", d.Name, spatlas.ErrorMessage(err))
			}
			r.done(rep, FileReport{Dataset: d.Name, File: file.Name, Path: target, Source: file.Source(), Status: StatusSkipped, Bytes: n, SHA256: sum})
			continue
		}
		r.log.Info("fetching", "dataset", d.Name, "file", file.Name, "from", file.Source())
		var rec fetchedFile
		var err error
		if file.ArcGIS != nil {
			rec, err = r.fetchArcGIS(ctx, d, file, dir)
		} else {
			rec, err = r.fetchURL(ctx, d, file, dir)
		}
		if err != nil {
			err = describe(d, file, err)
			if ctx.Err() != nil || isNetwork(err) {
				return err
			}
			*failures = append(*failures, err)
			continue
		}
		rec.Name, rec.FetchedAt = file.Name, time.Now().UTC().Truncate(time.Second)
		if err := recordFetched(dir, d.Name, rec); err != nil {
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "dataset %s: cannot write %s: %v", d.Name, FetchedFile, err)
		}
		r.log.Info("fetched", "dataset", d.Name, "file", file.Name, "bytes", rec.Bytes, "sha256", rec.SHA256)
		r.done(rep, FileReport{Dataset: d.Name, File: file.Name, Path: target, Source: file.Source(), Status: StatusFetched, Bytes: rec.Bytes, SHA256: rec.SHA256})
	}
	return nil
}

func (r *run) done(rep *Report, fr FileReport) {
	rep.Files = append(rep.Files, fr)
	if r.OnFile != nil {
		r.OnFile(fr)
	}
}

// fetchURL downloads a file from its URL, checks it, and unzips or gzips it as its entry asks.
func (r *run) fetchURL(ctx context.Context, d Dataset, file File, dir string) (fetchedFile, error) {
	raw, err := os.CreateTemp(dir, "."+file.Name+".*.download")
	if err != nil {
		return fetchedFile{}, err
	}
	defer func() {
		raw.Close()
		os.Remove(raw.Name()) // gone already when it was renamed into place
	}()
	var srcSum string
	var srcBytes int64
	err = r.retry(ctx, file.URL, func() error {
		var err error
		srcSum, srcBytes, err = r.download(ctx, file.URL, raw)
		return err
	})
	if err != nil {
		return fetchedFile{}, err
	}
	if file.SHA256 != "" && srcSum != file.SHA256 {
		return fetchedFile{}, spatlas.Errorf(spatlas.ECONFLICT,
			"dataset %s: file %s: the download from %s has sha256 %s, but the manifest expects %s; nothing was saved (the publisher may have changed the file: check it and update the manifest)",
			d.Name, file.Name, file.URL, srcSum, file.SHA256)
	}
	rec := fetchedFile{URL: file.URL, SourceSHA256: srcSum, SourceBytes: srcBytes}
	gz := strings.HasSuffix(file.Name, ".gz")
	if file.Extract == "" && (!gz || isGzipFile(raw)) {
		if err := keepAsServed(raw, filepath.Join(dir, file.Name)); err != nil {
			return fetchedFile{}, err
		}
		rec.SHA256, rec.Bytes = srcSum, srcBytes
		rec.SourceSHA256, rec.SourceBytes = "", 0
		return rec, nil
	}

	var src io.Reader
	if file.Extract != "" {
		rc, err := zipMember(raw, srcBytes, d, file)
		if err != nil {
			return fetchedFile{}, err
		}
		defer rc.Close()
		src = rc
	} else {
		if _, err := raw.Seek(0, io.SeekStart); err != nil {
			return fetchedFile{}, err
		}
		src = raw
	}
	br := bufio.NewReader(src)
	if gz && textio.IsGzip(br) {
		gz = false // already compressed
	}
	rec.SHA256, rec.Bytes, err = writeAtomic(dir, file.Name, gz, func(w io.Writer) error {
		_, err := io.Copy(w, br)
		return err
	})
	return rec, err
}

// keepAsServed moves the downloaded file raw to target, readable by all.
func keepAsServed(raw *os.File, target string) error {
	if err := raw.Chmod(0o644); err != nil {
		return err
	}
	if err := raw.Sync(); err != nil {
		return err
	}
	if err := raw.Close(); err != nil {
		return err
	}
	return os.Rename(raw.Name(), target)
}

// zipMember opens the member of the zip archive raw (of size bytes) that file's entry extracts.
func zipMember(raw *os.File, size int64, d Dataset, file File) (io.ReadCloser, error) {
	zr, err := zip.NewReader(raw, size)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "dataset %s: file %s: %s is not a zip archive: %v", d.Name, file.Name, file.URL, err)
	}
	for _, zf := range zr.File {
		if zf.Name == file.Extract || path.Base(zf.Name) == file.Extract {
			return zf.Open()
		}
	}
	return nil, spatlas.Errorf(spatlas.EINVALID, "dataset %s: file %s: the zip archive from %s holds no %s", d.Name, file.Name, file.URL, file.Extract)
}

// writeAtomic writes dir/name through a temporary file in dir that is renamed into place once
// fill has succeeded; gzipped when gz. It returns the sha256 and size of the file as written.
func writeAtomic(dir, name string, gz bool, fill func(w io.Writer) error) (string, int64, error) {
	tmp, err := os.CreateTemp(dir, "."+name+".*.part")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name()) // gone already when it was renamed into place
	}()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	bw := bufio.NewWriterSize(cw, 1<<20)
	var w io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(bw) // no name, no time: the same bytes give the same file
		w = zw
	}
	if err := fill(w); err != nil {
		return "", 0, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return "", 0, err
		}
	}
	if err := bw.Flush(); err != nil {
		return "", 0, err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it private
		return "", 0, err
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// isGzipFile reports whether the file starts with the gzip magic number.
func isGzipFile(f *os.File) bool {
	return textio.IsGzip(bufio.NewReaderSize(io.NewSectionReader(f, 0, 2), 16))
}

func exists(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// describe turns a download failure into the error a user sees, naming the dataset, the file and
// where it came from.
func describe(d Dataset, file File, err error) error {
	var ne *netError
	var se *statusError
	var ae *arcgisError
	var ue *spatlas.Error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("dataset %s: file %s: %w", d.Name, file.Name, err)
	case errors.As(err, &ne):
		return unreachable{spatlas.Errorf(spatlas.EUNAVAILABLE,
			"dataset %s could not be downloaded (%s from %s: %v). Either set SPATLAS_DATA=/path/to/data to a folder laid out like the shared data folders (one folder per dataset, e.g. %s/), or run \"spatlas fetch\" where there is internet and copy the data directory here",
			d.Name, file.Name, ne.url, ne.err, d.Name)}
	case errors.As(err, &se):
		return spatlas.Errorf(spatlas.EUNAVAILABLE,
			"dataset %s: file %s could not be downloaded: %s answered HTTP %s; the publisher may have moved it: correct its entry in the sources manifest",
			d.Name, file.Name, se.url, se.status)
	case errors.As(err, &ae):
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "dataset %s: file %s could not be downloaded: %v", d.Name, file.Name, ae)
	case errors.As(err, &ue):
		return err
	default:
		return spatlas.Errorf(spatlas.EINTERNAL, "dataset %s: file %s: %v", d.Name, file.Name, err)
	}
}

// joinFailures returns nil, the one failure, or one error listing them all.
func joinFailures(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	for _, err := range errs {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = "  - " + spatlas.ErrorMessage(err)
	}
	return spatlas.Errorf(spatlas.ErrorCode(errs[0]), "%d files could not be fetched:\n%s", len(errs), strings.Join(msgs, "\n"))
}

// FETCHED.json

type fetchedRecord struct {
	Dataset string        `json:"dataset"`
	Files   []fetchedFile `json:"files"`
}

type fetchedFile struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// SHA256 and Bytes are those of the file as written.
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	// SourceSHA256 and SourceBytes are those of the download, when the file was unzipped or
	// gzipped on the way.
	SourceSHA256 string    `json:"source_sha256,omitempty"`
	SourceBytes  int64     `json:"source_bytes,omitempty"`
	Features     int       `json:"features,omitempty"` // ArcGIS layers: features written
	FetchedAt    time.Time `json:"fetched_at"`
}

// recordFetched adds or replaces the entry of one file in dir/FETCHED.json.
func recordFetched(dir, dataset string, f fetchedFile) error {
	rec := fetchedRecord{Dataset: dataset}
	if b, err := os.ReadFile(filepath.Join(dir, FetchedFile)); err == nil {
		if err := json.Unmarshal(b, &rec); err != nil {
			rec = fetchedRecord{Dataset: dataset} // unreadable: start again
		}
	}
	rec.Dataset = dataset
	rec.Files = slices.DeleteFunc(rec.Files, func(g fetchedFile) bool { return g.Name == f.Name })
	rec.Files = append(rec.Files, f)
	slices.SortFunc(rec.Files, func(a, b fetchedFile) int { return strings.Compare(a.Name, b.Name) })
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	_, _, err = writeAtomic(dir, FetchedFile, false, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	return err
}
