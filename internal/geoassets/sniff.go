package geoassets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Format is a kind of file this package reads.
type Format int

// Formats Sniff tells apart.
const (
	FormatUnknown    Format = iota
	FormatGeoJSON           // GeoJSON: ReadGeoJSON
	FormatOSMGeoJSON        // OpenStreetMap data as GeoJSON: ReadOSMGeoJSON
	FormatOverpass          // Overpass API JSON: ReadOverpass
)

func (f Format) String() string {
	switch f {
	case FormatGeoJSON:
		return "geojson"
	case FormatOSMGeoJSON:
		return "osm-geojson"
	case FormatOverpass:
		return "overpass"
	}
	return "unknown"
}

// sniffSize is how much of a file Sniff looks at.
const sniffSize = 64 << 10

// Sniff looks at the start of a file and says which format it is in. It returns a reader that
// reads the whole file, the bytes it looked at included. A GeoJSON file is OpenStreetMap GeoJSON
// when the first features have ids such as "node/123" ("id" or "@id"). FormatUnknown means the
// start is not a JSON object with a features or elements member.
func Sniff(r io.Reader) (Format, io.Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return FormatUnknown, br, err
	}
	return sniff(head), br, nil
}

func sniff(head []byte) Format {
	dec := json.NewDecoder(bytes.NewReader(head))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return FormatUnknown
	}
	geo := false
keys:
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case "elements":
			return FormatOverpass
		case "features":
			geo = true
			break keys
		case "type":
			var t string
			if dec.Decode(&t) == nil && (t == "FeatureCollection" || t == "Feature") {
				geo = true
				break keys
			}
			continue
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	switch {
	case !geo:
		return FormatUnknown
	case hasOSMID(head):
		return FormatOSMGeoJSON
	}
	return FormatGeoJSON
}

// hasOSMID says whether "id" or "@id" is followed by an OpenStreetMap id string in b.
func hasOSMID(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`id"`))
		if j < 0 {
			return false
		}
		i += j + len(`id"`)
		k := i - len(`id"`) - 1 // the byte before id
		if k < 0 || (b[k] != '"' && b[k] != '@') {
			continue
		}
		rest := bytes.TrimLeft(b[i:], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		for _, p := range []string{`"node/`, `"way/`, `"relation/`} {
			if bytes.HasPrefix(rest, []byte(p)) {
				return true
			}
		}
	}
}

// Read reads a GeoJSON, OpenStreetMap GeoJSON or Overpass JSON file, whichever Sniff finds, and
// returns the format it read.
func Read(r io.Reader, o Options) (*spatlas.Import, Format, error) {
	f, r, err := Sniff(r)
	if err != nil {
		return nil, f, err
	}
	var im *spatlas.Import
	switch f {
	case FormatOverpass:
		im, err = ReadOverpass(r, o)
	case FormatOSMGeoJSON:
		im, err = ReadOSMGeoJSON(r, o)
	default: // FormatUnknown too: ReadGeoJSON says what is wrong with the file
		im, err = ReadGeoJSON(r, o)
	}
	return im, f, err
}
