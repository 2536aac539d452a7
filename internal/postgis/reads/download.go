package reads

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// Download writes the areas of a level, every published property a column, as CSV or as a
// GeoJSON FeatureCollection carrying the edition, build and parameters in its properties.
func (s *Reader) Download(ctx context.Context, q spatlas.DownloadQuery, w io.Writer) error {
	var area *string
	if q.Area != "" && q.Area != spatlas.England {
		area = &q.Area
		var ok bool
		if err := s.db.Pool().QueryRow(ctx, query("area_exists"), q.Edition, q.Area).Scan(&ok); err != nil {
			return pgdb.AppError(err)
		}
		if !ok {
			return spatlas.Errorf(spatlas.ENOTFOUND, "no area %q in %s", q.Area, q.Edition)
		}
	}
	var digits *int
	if q.Format == "geojson" {
		d := 6
		digits = &d
	}
	var cats []string
	if q.Build != nil {
		cats = q.Build.Categories
	}
	rows, err := s.db.Pool().Query(ctx, query("download"), q.Edition, q.Level, area, digits)
	if err != nil {
		return pgdb.AppError(err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	var out download = &geojsonDownload{w: bw, q: q}
	if q.Format == "csv" {
		out = &csvDownload{w: csv.NewWriter(bw), cols: spatlas.DownloadColumns(q.Level, cats, q.Build != nil)}
	}
	if err := out.begin(); err != nil {
		return err
	}
	var (
		code, props string
		geom        *string
	)
	if _, err := pgx.ForEachRow(rows, []any{&code, &props, &geom}, func() error {
		return out.area(code, props, geom)
	}); err != nil {
		return pgdb.AppError(err)
	}
	if err := out.end(); err != nil {
		return err
	}
	return bw.Flush()
}

// download writes the areas of a download in one format.
type download interface {
	begin() error
	area(code, props string, geom *string) error
	end() error
}

// csvDownload writes a header and a record per area, one column per published property.
type csvDownload struct {
	w      *csv.Writer
	cols   []string
	record []string
}

func (d *csvDownload) begin() error {
	d.record = make([]string, len(d.cols))
	return d.w.Write(d.cols)
}

func (d *csvDownload) area(_, props string, _ *string) error {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(props))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return err
	}
	for i, c := range d.cols {
		d.record[i] = csvValue(m[c])
	}
	return d.w.Write(d.record)
}

func (d *csvDownload) end() error {
	d.w.Flush()
	return d.w.Error()
}

// geojsonDownload writes a FeatureCollection whose properties say what was downloaded.
type geojsonDownload struct {
	w *bufio.Writer
	q spatlas.DownloadQuery
	n int
}

func (d *geojsonDownload) begin() error {
	meta := map[string]any{"edition": d.q.Edition, "level": d.q.Level, "area": d.q.Area}
	if b := d.q.Build; b != nil {
		meta["built_at"], meta["params"], meta["build_generation"] = b.BuiltAt.Format(time.RFC3339), b.Params, b.Generation
	}
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(d.w, `{"type":"FeatureCollection","properties":%s,"features":[`, mb)
	return err
}

func (d *geojsonDownload) area(code, props string, geom *string) error {
	if d.n > 0 {
		d.w.WriteByte(',')
	}
	d.n++
	id, _ := json.Marshal(code)
	g := "null"
	if geom != nil {
		g = *geom
	}
	_, err := fmt.Fprintf(d.w, `{"type":"Feature","id":%s,"geometry":%s,"properties":%s}`, id, g, props)
	return err
}

func (d *geojsonDownload) end() error {
	_, err := d.w.WriteString("]}\n")
	return err
}

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
