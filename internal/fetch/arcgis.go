package fetch

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// arcgisError is the error object an ArcGIS server returns, often with HTTP status 200.
type arcgisError struct {
	URL     string   `json:"-"`
	Code    int      `json:"code"`
	Message string   `json:"message"`
	Details []string `json:"details"`
}

func (e *arcgisError) Error() string {
	msg := fmt.Sprintf("ArcGIS error %d: %s", e.Code, e.Message)
	if len(e.Details) > 0 {
		msg += " (" + strings.Join(e.Details, "; ") + ")"
	}
	return msg + " from " + e.URL
}

// arcgisPage is one answer of a layer's query endpoint with f=geojson.
type arcgisPage struct {
	Type                  string            `json:"type"`
	Features              []json.RawMessage `json:"features"`
	ExceededTransferLimit bool              `json:"exceededTransferLimit"`
	Properties            struct {
		ExceededTransferLimit bool `json:"exceededTransferLimit"`
	} `json:"properties"`
	Error *arcgisError `json:"error"`
}

// exceeded reports whether the server says more features follow. GeoJSON answers carry the
// flag in "properties"; some servers put it at the top level as in Esri JSON.
func (p arcgisPage) exceeded() bool {
	return p.ExceededTransferLimit || p.Properties.ExceededTransferLimit
}

func (a ArcGIS) pageSize() int {
	if a.PageSize > 0 {
		return a.PageSize
	}
	return DefaultPageSize
}

// query returns the query parameters of a layer, without the paging ones.
func (a ArcGIS) query() url.Values {
	q := url.Values{}
	where := a.Where
	if strings.TrimSpace(where) == "" {
		where = "1=1"
	}
	q.Set("where", where)
	fields := "*"
	if len(a.OutFields) > 0 {
		fields = strings.Join(a.OutFields, ",")
	}
	q.Set("outFields", fields)
	if a.Format == FormatCSV {
		q.Set("returnGeometry", "false")
	} else {
		q.Set("returnGeometry", "true")
	}
	if a.OrderBy != "" {
		q.Set("orderByFields", a.OrderBy)
	}
	q.Set("outSR", "4326")
	q.Set("f", "geojson")
	return q
}

// queryURL is the URL of the page of the layer that starts at offset, or with offset < 0 the
// URL of the whole query without paging (recorded in FETCHED.json).
func (a ArcGIS) queryURL(offset int) string {
	q := a.query()
	if offset >= 0 {
		q.Set("resultOffset", strconv.Itoa(offset))
		q.Set("resultRecordCount", strconv.Itoa(a.pageSize()))
	}
	return strings.TrimRight(a.Service, "/") + "/query?" + q.Encode()
}

// fetchArcGIS reads every page of a layer and writes the features as one file.
func (r *run) fetchArcGIS(ctx context.Context, d Dataset, file File, dir string) (fetchedFile, error) {
	a := *file.ArcGIS
	size := a.pageSize()
	features := 0
	sum, n, err := writeAtomic(dir, file.Name, strings.HasSuffix(file.Name, ".gz"), func(w io.Writer) error {
		out, err := newLayerWriter(w, a)
		if err != nil {
			return err
		}
		for offset := 0; ; {
			var p arcgisPage
			u := a.queryURL(offset)
			err := r.retry(ctx, u, func() error {
				var err error
				p, err = r.page(ctx, u)
				return err
			})
			if err != nil {
				return err
			}
			for _, f := range p.Features {
				if err := out.add(f); err != nil {
					return spatlas.Errorf(spatlas.EINVALID, "dataset %s: file %s: feature %d of %s: %v", d.Name, file.Name, features+1, a.Service, err)
				}
				features++
			}
			got := len(p.Features)
			r.log.Debug("arcgis page", "dataset", d.Name, "offset", offset, "features", got, "exceeded", p.exceeded())
			offset += got
			if got == 0 || (got < size && !p.exceeded()) {
				break
			}
		}
		return out.close()
	})
	if err != nil {
		return fetchedFile{}, err
	}
	r.log.Info("arcgis layer read", "dataset", d.Name, "file", file.Name, "features", features)
	return fetchedFile{URL: a.queryURL(-1), SHA256: sum, Bytes: n, Features: features}, nil
}

// page gets and decodes one page.
func (r *run) page(ctx context.Context, u string) (arcgisPage, error) {
	resp, err := r.get(ctx, u)
	if err != nil {
		return arcgisPage{}, err
	}
	defer resp.Body.Close()
	body := &bodyReader{r: resp.Body, url: u}
	var p arcgisPage
	if err := json.NewDecoder(body).Decode(&p); err != nil {
		if body.err != nil {
			return arcgisPage{}, body.err
		}
		return arcgisPage{}, fmt.Errorf("%s did not answer with GeoJSON: %v", u, err)
	}
	if p.Error != nil {
		p.Error.URL = u
		return arcgisPage{}, p.Error
	}
	if p.Type != "FeatureCollection" {
		return arcgisPage{}, fmt.Errorf("%s did not answer with a GeoJSON FeatureCollection (type %q)", u, p.Type)
	}
	return p, nil
}

// layerWriter writes the features of a layer as they arrive.
type layerWriter interface {
	add(feature json.RawMessage) error
	close() error
}

func newLayerWriter(w io.Writer, a ArcGIS) (layerWriter, error) {
	if a.Format == FormatCSV {
		header := a.Columns
		if len(header) == 0 {
			header = a.OutFields
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return nil, err
		}
		return &csvWriter{w: cw, fields: a.OutFields}, nil
	}
	if _, err := io.WriteString(w, `{"type":"FeatureCollection","features":[`); err != nil {
		return nil, err
	}
	return &geojsonWriter{w: w}, nil
}

// geojsonWriter writes one FeatureCollection, features as the server sent them.
type geojsonWriter struct {
	w io.Writer
	n int
}

func (g *geojsonWriter) add(f json.RawMessage) error {
	sep := ",\n"
	if g.n == 0 {
		sep = "\n"
	}
	g.n++
	if _, err := io.WriteString(g.w, sep); err != nil {
		return err
	}
	_, err := g.w.Write(bytes.TrimSpace(f))
	return err
}

func (g *geojsonWriter) close() error {
	_, err := io.WriteString(g.w, "\n]}\n")
	return err
}

// csvWriter writes one row of the chosen properties per feature.
type csvWriter struct {
	w      *csv.Writer
	fields []string
	row    []string
}

func (c *csvWriter) add(f json.RawMessage) error {
	var feature struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(f, &feature); err != nil {
		return err
	}
	c.row = c.row[:0]
	for _, name := range c.fields {
		v, ok := property(feature.Properties, name)
		if !ok {
			return fmt.Errorf("no property %q", name)
		}
		s, err := cell(v)
		if err != nil {
			return fmt.Errorf("property %q: %v", name, err)
		}
		c.row = append(c.row, s)
	}
	return c.w.Write(c.row)
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// property finds a property by name, ignoring case as ArcGIS does when it matches outFields.
func property(props map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := props[name]; ok {
		return v, true
	}
	for k, v := range props {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// cell formats a JSON value for CSV: strings unquoted, null empty, numbers and booleans as sent.
func cell(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", nil
	case v[0] == '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case v[0] == '{' || v[0] == '[':
		return "", errors.New("is not a plain value")
	}
	return string(v), nil
}
