package main

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/ingest"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

//go:embed sql/*.sql
var queries embed.FS

// query returns the text of sql/<name>.sql. The files are embedded, so a missing one is a bug.
func query(name string) string {
	b, err := fs.ReadFile(queries, "sql/"+name+".sql")
	if err != nil {
		panic(fmt.Sprintf("spatlas-bench: no query %q", name))
	}
	return string(b)
}

const (
	// boundaryEdition is the edition whose boundary files the load benchmark reads:
	// lsoa2011-boundaries, which hold exactly England's LSOAs, one feature each.
	boundaryEdition = "iod2019"
	// ogrTable is the table ogr2ogr loads into; it is dropped after every round.
	ogrTable = "bench_ogr"
	// boundaryTarget is the most spatlas may take, as a share of ogr2ogr's wall time.
	boundaryTarget = 1.0 / 3
	// ogrTimeout bounds one ogr2ogr run.
	ogrTimeout = 10 * time.Minute
)

// boundaryInput is what the boundary benchmark loads: the edition's boundary files, read by its
// plan, and the same features merged into one GeoJSON file for ogr2ogr.
type boundaryInput struct {
	ed      spatlas.Edition
	data    spatlas.EditionData
	fields  ingest.BoundaryFields
	files   []string
	gzBytes int64
	merged  string // the merged file, in a temporary directory
	n       int64  // features
}

// boundaryInputs reads the edition's plan and merges its boundary files into one GeoJSON file in
// tmp. Parsing the deprivation files is not part of the comparison: it is done here, once.
func (b *bench) boundaryInputs(ctx context.Context, tmp string) (boundaryInput, error) {
	var in boundaryInput
	ed, err := spatlas.EditionByID(boundaryEdition)
	if err != nil {
		return in, err
	}
	plan, err := app.NewPlan(b.cfg.dataDir, ed)
	if err != nil {
		return in, err
	}
	if err := plan.Hash(ctx); err != nil {
		return in, err
	}
	if in.data, err = plan.Read(ctx, b.logger); err != nil {
		return in, err
	}
	in.ed, in.fields = ed, plan.BoundaryFields()
	for _, s := range plan.Sources {
		if s.Dataset == "lsoa2011-boundaries" {
			in.files = append(in.files, filepath.Join(b.cfg.dataDir, s.Dataset, s.File))
			in.gzBytes += s.Bytes
		}
	}
	in.merged = filepath.Join(tmp, "lsoa2011-boundaries.geojson")
	b.logger.Info("merging the boundary files into one GeoJSON for ogr2ogr", "files", len(in.files), "to", in.merged)
	if in.n, err = mergeFeatures(in.files, in.merged); err != nil {
		return in, err
	}
	if in.n != int64(ed.LSOACount) {
		return in, fmt.Errorf("%d features in %d files of lsoa2011-boundaries, want %d", in.n, len(in.files), ed.LSOACount)
	}
	return in, nil
}

// boundaries compares spatlas's boundary stage, and the geometry candidates of geomcands.go, with
// ogr2ogr loading the same features, then times one full load of the edition for context.
func (b *bench) boundaries(ctx context.Context) (verdict, error) {
	tmp, err := os.MkdirTemp("", "spatlas-bench-")
	if err != nil {
		return verdict{}, err
	}
	defer os.RemoveAll(tmp)
	in, err := b.boundaryInputs(ctx, tmp)
	if err != nil {
		return verdict{}, err
	}
	fi, err := os.Stat(in.merged)
	if err != nil {
		return verdict{}, err
	}
	ogr, err := newOGRLoad(b.cfg.dbURL, in.merged)
	if err != nil {
		return verdict{}, err
	}
	if _, err := b.db.Pool().Exec(ctx, query("ogr_drop")); err != nil {
		return verdict{}, err
	}

	fmt.Fprintf(b.out, "\n1. Boundary load: lsoa2011-boundaries, %s polygons\n", thousands(in.n))
	fmt.Fprintf(b.out, "   spatlas  %d gzipped GeoJSON files (%.1f MB): streamed, two files at a time, as WKB into a binary\n", len(in.files), mb(in.gzBytes))
	fmt.Fprintf(b.out, "            COPY to a staging table, then a GiST index (postgis.DB.StageBoundaries, the load's first stage)\n")
	fmt.Fprintf(b.out, "   orb, go-geom  the same files read with encoding/json, each geometry decoded by the library and\n")
	fmt.Fprintf(b.out, "            written as WKB, staged the same way\n")
	fmt.Fprintf(b.out, "   ST_GeomFromGeoJSON  the same files read with encoding/json, each geometry's GeoJSON text copied\n")
	fmt.Fprintf(b.out, "            to PostGIS and parsed there into the same staging table, with the same GiST index\n")
	fmt.Fprintf(b.out, "   ogr2ogr  the same features merged into one GeoJSON (%.1f MB), loaded with its COPY and GiST index:\n", mb(fi.Size()))
	fmt.Fprintf(b.out, "            %s\n", ogr.display())

	rounds, err := alternateAll(b.cfg.rounds, b.boundaryContenders(ctx, in, ogr))
	if err != nil {
		return verdict{}, err
	}
	v, err := b.reportBoundaries(rounds)
	if err != nil {
		return verdict{}, err
	}
	if err := b.fullLoad(ctx, in.data); err != nil {
		return verdict{}, err
	}
	return v, nil
}

// fullLoad times one complete load of the edition and prints its steps. It also leaves the
// edition loaded for the items benchmark.
func (b *bench) fullLoad(ctx context.Context, data spatlas.EditionData) error {
	b.logger.Info("full load, once, for context", "edition", data.Edition.ID)
	rep, err := b.db.LoadEdition(ctx, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "\n   For context, not part of the ratio: one full load of %s (postgis.DB.LoadEdition) took %s.\n",
		data.Edition.ID, seconds(rep.Duration))
	fmt.Fprintf(b.out, "   On top of the stage above it validates every polygon (repairing invalid ones with ST_MakeValid:\n")
	fmt.Fprintf(b.out, "   %d repaired), reprojects to lon/lat where needed, joins the deprivation rows, dissolves %d LADs\n", rep.Repaired, rep.LADs)
	fmt.Fprintf(b.out, "   and generalises the zoom bands, in one transaction:\n")
	t := b.table("     ", tabwriter.AlignRight)
	for _, s := range rep.Steps {
		t.row(s.Step, seconds(s.Duration))
	}
	return t.flush()
}

// checkOGRTable checks that ogr2ogr loaded every feature and built a GiST index, so that both
// sides did the same work.
func (b *bench) checkOGRTable(ctx context.Context, want int64) error {
	var n int64
	var gist bool
	if err := b.db.Pool().QueryRow(ctx, query("ogr_check")).Scan(&n, &gist); err != nil {
		return fmt.Errorf("ogr2ogr table %s: %w", ogrTable, err)
	}
	if n != want {
		return fmt.Errorf("ogr2ogr loaded %d features into %s, want %d", n, ogrTable, want)
	}
	if !gist {
		return fmt.Errorf("ogr2ogr built no GiST index on %s", ogrTable)
	}
	return nil
}

// roundName names round r for the log; round 0 is the warm-up.
func roundName(r int) string {
	if r == 0 {
		return "warm-up"
	}
	return strconv.Itoa(r)
}

func verdictWord(v verdict) string {
	switch {
	case !v.target:
		return "INFO: " + v.line
	case v.ok:
		return "PASS: " + v.line
	default:
		return "MISS: " + v.line
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// mergeFeatures writes the features of the GeoJSON FeatureCollections in files (optionally
// gzipped) into one uncompressed FeatureCollection at dst, and returns how many it wrote. The
// files must agree on their crs member.
func mergeFeatures(files []string, dst string) (n int64, err error) {
	if len(files) == 0 {
		return 0, fmt.Errorf("no files to merge")
	}
	f, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var crs []byte
	for i, path := range files {
		fc, err := readCollection(path)
		if err != nil {
			return 0, err
		}
		c, err := compact(fc.CRS)
		if err != nil {
			return 0, fmt.Errorf("%s: crs: %w", path, err)
		}
		if i == 0 {
			crs = c
			w.WriteString(`{"type":"FeatureCollection",`)
			if len(crs) > 0 {
				w.WriteString(`"crs":`)
				w.Write(crs)
				w.WriteByte(',')
			}
			w.WriteString("\"features\":[\n")
		} else if !bytes.Equal(c, crs) {
			return 0, fmt.Errorf("%s: crs %s differs from %s's %s", path, c, files[0], crs)
		}
		for _, feat := range fc.Features {
			if n > 0 {
				w.WriteString(",\n")
			}
			w.Write(feat)
			n++
		}
	}
	w.WriteString("\n]}\n")
	return n, w.Flush()
}

type featureCollection struct {
	Type     string            `json:"type"`
	CRS      json.RawMessage   `json:"crs"`
	Features []json.RawMessage `json:"features"`
}

func readCollection(path string) (featureCollection, error) {
	var fc featureCollection
	if err := decodeFile(path, &fc); err != nil {
		return fc, err
	}
	if fc.Type != "FeatureCollection" {
		return fc, fmt.Errorf("%s: type %q, want a FeatureCollection", path, fc.Type)
	}
	return fc, nil
}

// decodeFile decodes the JSON file at path (gzipped or not) into v.
func decodeFile(path string, v any) error {
	rc, err := textio.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func compact(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ogrLoad is one ogr2ogr command loading a GeoJSON file into the benchmark table.
type ogrLoad struct {
	args     []string
	password string // passed in PGPASSWORD, not on the command line
}

// newOGRLoad builds the ogr2ogr command for the database at url (a libpq URL or key=value
// string; the host may be a unix socket directory).
func newOGRLoad(url, file string) (*ogrLoad, error) {
	c, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "database URL: %v", err)
	}
	return &ogrLoad{
		args: []string{
			"-f", "PostgreSQL", "PG:" + conninfo(c), file,
			"-nln", ogrTable, "-nlt", "PROMOTE_TO_MULTI",
			"-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-overwrite",
		},
		password: c.Password,
	}, nil
}

// conninfo is a libpq key=value connection string naming the same database as c, without the
// password.
func conninfo(c *pgx.ConnConfig) string {
	kv := []string{"host", c.Host, "port", fmt.Sprint(c.Port), "dbname", c.Database, "user", c.User}
	var parts []string
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] != "" {
			parts = append(parts, kv[i]+"="+conninfoValue(kv[i+1]))
		}
	}
	return strings.Join(parts, " ")
}

// conninfoValue quotes a libpq connection-string value when it needs it.
func conninfoValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " '\\\t\n") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(v) + "'"
}

func (o *ogrLoad) display() string {
	quoted := make([]string, len(o.args))
	for i, a := range o.args {
		quoted[i] = a
		if strings.ContainsAny(a, " '\"") {
			quoted[i] = `"` + a + `"`
		}
	}
	return "ogr2ogr " + strings.Join(quoted, " ")
}

// run runs the load and returns its wall time.
func (o *ogrLoad) run(ctx context.Context) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, ogrTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ogr2ogr", o.args...)
	cmd.Env = os.Environ()
	if o.password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+o.password)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("ogr2ogr: %w: %s", err, strings.TrimSpace(out.String()))
	}
	return d, nil
}
