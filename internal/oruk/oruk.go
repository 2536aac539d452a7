package oruk

import (
	"errors"
	"fmt"
	"io"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Options say where a document comes from and how to place locations without coordinates.
type Options struct {
	Dataset string // the data directory folder, or the name given to the import
	File    string // the file name within the dataset (Client.Fetch uses the API base URL)
	// Postcodes places locations that have a postcode but no coordinates; nil leaves them
	// unlocated.
	Postcodes spatlas.Postcodes
}

// name is what error messages call the input.
func (o Options) name() string {
	switch {
	case o.File != "":
		return o.File
	case o.Dataset != "":
		return o.Dataset
	}
	return "Open Referral input"
}

// Read reads an Open Referral UK document (see the package documentation for the shapes it
// accepts) and returns its services as assets, one per service and location. A document that is
// not JSON, or not of an accepted shape, or whose records do not have the types HSDS gives them,
// is an error naming the input and the record; problems of single locations go to the import's
// Rejected, Unlocated and Excluded lists.
func Read(r io.Reader, o Options) (*spatlas.Import, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		var se *spatlas.Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: read: %v", o.name(), err)
	}
	doc, err := parseDocument(o.name(), data)
	if err != nil {
		return nil, err
	}
	b := newBuilder(o)
	for i, raw := range doc.items {
		svcs, err := decodeRecord(o.name(), fmt.Sprintf("record %d", i+1), raw, nil)
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			b.add(s)
		}
	}
	return b.im, nil
}
