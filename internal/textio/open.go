package textio

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Open opens the file at path for reading. When the file starts with the gzip magic number it is
// decompressed on the fly, whatever its name. Closing the returned reader closes the file. Errors,
// including read errors met later (such as a truncated gzip stream), name the path.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, spatlas.Errorf(spatlas.ENOTFOUND, "%s: no such file", path)
		}
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: cannot open: %v", path, unwrapPathError(err))
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: is a directory, not a file", path)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if !IsGzip(br) {
		return &openFile{path: path, r: br, f: f}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: not a valid gzip file: %v", path, err)
	}
	return &openFile{path: path, r: zr, z: zr, f: f}, nil
}

// IsGzip reports whether the buffered stream starts with the gzip magic number 1f 8b.
func IsGzip(br *bufio.Reader) bool {
	b, _ := br.Peek(2)
	return len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b
}

// openFile is the reader Open returns: a file, maybe behind a gzip reader.
type openFile struct {
	path string
	r    io.Reader
	z    *gzip.Reader // nil when the file is not gzipped
	f    *os.File
}

func (o *openFile) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if err != nil && err != io.EOF {
		var se *spatlas.Error
		if !errors.As(err, &se) {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = spatlas.Errorf(spatlas.EINVALID, "%s: the file ends early (truncated gzip data)", o.path)
			} else {
				err = spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", o.path, unwrapPathError(err))
			}
		}
	}
	return n, err
}

// Close closes the gzip reader, if any, and the file.
func (o *openFile) Close() error {
	var zerr error
	if o.z != nil {
		zerr = o.z.Close()
	}
	if err := o.f.Close(); err != nil {
		return spatlas.Errorf(spatlas.EINVALID, "%s: close: %v", o.path, unwrapPathError(err))
	}
	if zerr != nil {
		return spatlas.Errorf(spatlas.EINVALID, "%s: %v", o.path, zerr)
	}
	return nil
}

// unwrapPathError drops the operation and path of an *fs.PathError, which messages here already
// give.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Checksum returns the sha256 (hex) and size of a file as stored, for provenance and for
// skipping unchanged inputs.
func Checksum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, spatlas.Errorf(spatlas.EINVALID, "%s: cannot open: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
