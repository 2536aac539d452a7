package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/taxonomy"
	"github.com/spatlas/spatlas/internal/textio"
)

const (
	// assetsTarget is the most spatlas may take, as a share of ogr2ogr plus the SQL join.
	assetsTarget = 1.0 / 2
	// assetsDataset is the dataset the synthetic points are imported under.
	assetsDataset = "bench-synthetic"
)

// assets compares importing a large synthetic CSV of asset points with spatlas (parse, classify,
// place, group duplicates, join to the LSOAs of both editions, index) against ogr2ogr loading
// the same CSV followed by the same LSOA join written in SQL.
func (b *bench) assets(ctx context.Context) (verdict, error) {
	if err := b.ensureEditions(ctx); err != nil {
		return verdict{}, err
	}
	tmp, err := os.MkdirTemp("", "spatlas-bench-assets-")
	if err != nil {
		return verdict{}, err
	}
	defer os.RemoveAll(tmp)
	csvPath := filepath.Join(tmp, "synthetic-assets.csv")
	if err := b.writeSyntheticAssets(ctx, csvPath, b.cfg.assets); err != nil {
		return verdict{}, err
	}
	fi, err := os.Stat(csvPath)
	if err != nil {
		return verdict{}, err
	}
	tx, err := taxonomy.Builtin()
	if err != nil {
		return verdict{}, err
	}
	if err := b.db.SetCategories(ctx, app.CategoryCounts(tx)); err != nil {
		return verdict{}, err
	}
	c, err := pgx.ParseConfig(b.cfg.dbURL)
	if err != nil {
		return verdict{}, err
	}
	ogr := &ogrLoad{
		args: []string{"-f", "PostgreSQL", "PG:" + conninfo(c), csvPath, "-nln", "bench_ogr_assets",
			"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO",
			"-a_srs", "EPSG:4326", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-overwrite"},
		password: c.Password,
	}
	fmt.Fprintf(b.out, "\n3. Asset import: %s synthetic points over England from one CSV (%.1f MB), with the LSOA join of both editions\n",
		thousands(int64(b.cfg.assets)), mb(fi.Size()))
	fmt.Fprintf(b.out, "   spatlas  tabular.ReadAssets (header presets, coordinate checks), taxonomy.Assign, postgis.DB.LoadImport:\n")
	fmt.Fprintf(b.out, "            binary COPY, placement on the National Grid, duplicate grouping, the LSOA join of both editions\n")
	fmt.Fprintf(b.out, "            and every index of the asset tables, in one transaction\n")
	fmt.Fprintf(b.out, "   ogr2ogr  %s\n", ogr.display())
	fmt.Fprintf(b.out, "            then the join in SQL: each point's LSOA in both editions (sql/ogr_assets_join.sql)\n")

	rounds, ogrLoads, err := b.assetRounds(ctx, csvPath, tx, ogr)
	if err != nil {
		return verdict{}, err
	}
	if _, err := b.db.Pool().Exec(ctx, query("ogr_assets_drop")); err != nil {
		return verdict{}, err
	}
	return b.assetsVerdict(rounds, ogrLoads)
}

// assetRounds runs the rounds of the asset import, spatlas and ogr2ogr alternating, and returns
// them with ogr2ogr's part of each of its loads (the warm-up first).
func (b *bench) assetRounds(ctx context.Context, csvPath string, tx *taxonomy.Taxonomy, ogr *ogrLoad) ([]round, []time.Duration, error) {
	var ogrLoads []time.Duration
	rounds, err := alternate(b.cfg.rounds, "ogr2ogr",
		func(r string) (time.Duration, error) {
			if _, err := b.db.Pool().Exec(ctx, query("assets_clear")); err != nil {
				return 0, err
			}
			start := time.Now()
			n, err := importAssets(ctx, b, csvPath, tx, b.cfg.assets)
			d := time.Since(start)
			if err == nil {
				b.logger.Info("spatlas asset import", "round", r, "assets", n, "duration", d.Round(time.Millisecond))
			}
			return d, err
		},
		func(r string) (time.Duration, error) {
			if _, err := b.db.Pool().Exec(ctx, query("ogr_assets_drop")); err != nil {
				return 0, err
			}
			load, err := ogr.run(ctx)
			if err != nil {
				return load, err
			}
			start := time.Now()
			tag, err := b.db.Pool().Exec(ctx, query("ogr_assets_join"))
			if err != nil {
				return 0, fmt.Errorf("join: %w", err)
			}
			d := load + time.Since(start)
			ogrLoads = append(ogrLoads, load)
			if tag.RowsAffected() != int64(b.cfg.assets) {
				return d, fmt.Errorf("ogr2ogr and the join gave %d rows, want %d", tag.RowsAffected(), b.cfg.assets)
			}
			b.logger.Info("ogr2ogr asset load and join", "round", r, "load", load.Round(time.Millisecond), "total", d.Round(time.Millisecond))
			return d, nil
		})
	return rounds, ogrLoads, err
}

// assetsVerdict prints the rounds of the asset import and judges their median ratio.
func (b *bench) assetsVerdict(rounds []round, ogrLoads []time.Duration) (verdict, error) {
	var sp, og, ol []time.Duration
	var ratios []float64
	t := b.table("   ", tabwriter.AlignRight)
	t.row("round", "first", "spatlas", "ogr2ogr+join", "(ogr2ogr)", "spatlas/(ogr2ogr+join)")
	for i, rd := range rounds {
		load := ogrLoads[i+1]
		sp, og, ol = append(sp, rd.spatlas), append(og, rd.other), append(ol, load)
		ratios = append(ratios, rd.spatlas.Seconds()/rd.other.Seconds())
		t.row(fmt.Sprint(i+1), rd.first, seconds(rd.spatlas), seconds(rd.other), seconds(load), fmt.Sprintf("%.3f", ratios[i]))
	}
	ms, mo := medianDuration(sp), medianDuration(og)
	ratio := median(ratios)
	t.row("median", "", seconds(ms), seconds(mo), seconds(medianDuration(ol)), fmt.Sprintf("%.3f", ratio))
	if err := t.flush(); err != nil {
		return verdict{}, err
	}
	v := verdict{
		name:   "asset import",
		target: true,
		ok:     ratio <= assetsTarget,
		line: fmt.Sprintf("spatlas %s vs ogr2ogr+join %s (medians): %.2f of their time (%.1fx faster); target <= 0.50",
			seconds(ms), seconds(mo), ratio, 1/ratio),
	}
	fmt.Fprintf(b.out, "   %s\n", verdictWord(v))
	return v, nil
}

// ensureEditions loads both editions into the bench database unless they are there already.
func (b *bench) ensureEditions(ctx context.Context) error {
	_, err := app.LoadEditions(ctx, b.db, b.cfg.dataDir, spatlas.Editions(), false, b.logger)
	return err
}

// importAssets is the spatlas side: what spatlas import does with a CSV file.
func importAssets(ctx context.Context, b *bench, path string, tx *taxonomy.Taxonomy, want int) (int, error) {
	r, err := textio.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	im, err := tabular.ReadAssets(assetsDataset, filepath.Base(path), r, tabular.Mapping{}, nil)
	if err != nil {
		return 0, err
	}
	im.Kind, im.Dataset = spatlas.KindAssets, assetsDataset
	tx.Assign(im.Assets)
	rep, err := b.db.LoadImport(ctx, im)
	if err != nil {
		return 0, err
	}
	if rep.Loaded != want {
		return 0, fmt.Errorf("spatlas loaded %d of %d synthetic assets (rejected %d)", rep.Loaded, want, rep.Rejected.Count)
	}
	return rep.Loaded, nil
}

// writeSyntheticAssets writes n asset points over England: each near the point of a random
// LSOA of the 2021 edition (so that density follows population, as real assets do), jittered by
// up to about 300 m, with a name, a free-text category and an id. The seed is fixed, so every
// run writes the same file.
func (b *bench) writeSyntheticAssets(ctx context.Context, path string, n int) error {
	rows, err := b.db.Pool().Query(ctx, query("assets_lsoa_points"), "iod2025")
	if err != nil {
		return err
	}
	pts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Lon, Lat float64 }])
	if err != nil {
		return err
	}
	pts = slices.DeleteFunc(pts, func(p struct{ Lon, Lat float64 }) bool { return spatlas.CheckLonLat(p.Lon, p.Lat) != "" })
	if len(pts) == 0 {
		return fmt.Errorf("no LSOA points in the bench database")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// Free-text categories, so that the import classifies every row as it would a real one.
	labels := [...]string{"Food bank", "Library", "Community centre", "Sports hall", "Park",
		"Citizens Advice", "Church", "Allotment", "Choir", "Gym", "Credit union", "Youth club", ""}
	rnd := rand.New(rand.NewPCG(2026, 11))
	w.WriteString("id,name,category,lon,lat\n")
	var buf []byte
	for i := range n {
		p := pts[rnd.IntN(len(pts))]
		lon, lat := p.Lon+(rnd.Float64()-0.5)*0.008, p.Lat+(rnd.Float64()-0.5)*0.005
		if spatlas.CheckLonLat(lon, lat) != "" { // a border LSOA: stay on its point
			lon, lat = p.Lon, p.Lat
		}
		label := labels[rnd.IntN(len(labels))]
		buf = strconv.AppendInt(buf[:0], int64(i+1), 10)
		buf = append(buf, ",Asset "...)
		buf = strconv.AppendInt(buf, int64(i+1), 10)
		buf = append(buf, ',')
		buf = append(buf, label...)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, lon, 'f', 6, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, lat, 'f', 6, 64)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
