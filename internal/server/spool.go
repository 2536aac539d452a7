package server

import (
	"bytes"
	"io"
	"os"
)

// spoolMemory is how much of a spooled response stays in memory before the rest goes to a
// temporary file.
const spoolMemory = 4 << 20

// spool holds a response while it is produced, so that the query producing it ends (and its
// database connection returns to the pool) before a byte goes to the client: a slow or stalled
// client then holds only a file. The first spoolMemory bytes are kept in memory, the rest in a
// temporary file removed by Close.
type spool struct {
	mem  bytes.Buffer
	file *os.File
	size int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp("", "spatlas-download-*")
		if err != nil {
			return 0, err
		}
		s.file = f
		if _, err := s.mem.WriteTo(f); err != nil {
			return 0, err
		}
	}
	var n int
	var err error
	if s.file != nil {
		n, err = s.file.Write(p)
	} else {
		n, err = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// Len is the number of bytes spooled.
func (s *spool) Len() int64 { return s.size }

// WriteTo writes everything spooled to w.
func (s *spool) WriteTo(w io.Writer) (int64, error) {
	if s.file == nil {
		return s.mem.WriteTo(w)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(w, s.file)
}

// Close removes the temporary file, if any.
func (s *spool) Close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
