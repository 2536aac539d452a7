package postgis

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// Provenance returns the source files recorded for the last load of an edition.
func (db *DB) Provenance(ctx context.Context, edition string) ([]spatlas.SourceFile, error) {
	rows, err := db.pool.Query(ctx, query("provenance"), edition)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[spatlas.SourceFile])
}

// LoadEdition replaces an edition's data with d in one transaction: bulk copies into staging
// tables, checks, then swaps. Until it commits, readers see the previous data; if it fails or
// the process dies, the previous data stays.
func (db *DB) LoadEdition(ctx context.Context, d spatlas.EditionData) (spatlas.LoadReport, error) {
	start := time.Now()
	rep := spatlas.LoadReport{
		Edition:          d.Edition.ID,
		PopulationSource: d.PopulationSource,
		ScoreSource:      d.ScoreSource,
		Sources:          d.Sources,
		CentroidSource:   d.CentroidSource,
		LSOAs:            int64(len(d.LSOAs)),
	}
	step := func(name string, t time.Time) {
		rep.Steps = append(rep.Steps, spatlas.StepDuration{Step: name, Duration: time.Since(t)})
		db.logger.Debug("load step", "edition", d.Edition.ID, "step", name, "duration", time.Since(t))
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		t := time.Now()
		if _, err := tx.Exec(ctx, query("load_no_timeout")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("load_lock"), d.Edition.ID); err != nil {
			return fmt.Errorf("wait for other loads of %s: %w", d.Edition.ID, err)
		}
		for _, q := range []string{"load_stage_lsoa", "load_stage_geom"} {
			if _, err := tx.Exec(ctx, query(q)); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_lsoa"}, stageLSOAColumns, lsoaRows(d)); err != nil {
			return fmt.Errorf("copy deprivation: %w", err)
		}
		n, err := copyBoundaries(ctx, tx, d.Boundaries)
		if err != nil {
			return err
		}
		rep.Boundaries = n
		step("copy", t)

		t = time.Now()
		if _, err := tx.Exec(ctx, query("load_analyze_stage")); err != nil {
			return err
		}
		if err := checkDuplicates(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("load_shapes")); err != nil {
			return fmt.Errorf("shapes: %w", err)
		}
		if err := tx.QueryRow(ctx, query("load_repaired")).Scan(&rep.Repaired); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, query("load_without_boundary")).Scan(&rep.WithoutBoundary.Count, &rep.WithoutBoundary.Sample); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, query("load_without_deprivation")).Scan(&rep.WithoutDeprivation.Count, &rep.WithoutDeprivation.Sample); err != nil {
			return err
		}
		if rep.WithoutBoundary.Count == rep.LSOAs {
			return spatlas.Errorf(spatlas.EINVALID,
				"%s: none of the %d deprivation rows has a boundary (first boundary codes: %v): the boundary files are of another edition or geography",
				d.Edition.ID, rep.LSOAs, rep.WithoutDeprivation.Sample)
		}
		step("validate", t)

		t = time.Now()
		if _, err := tx.Exec(ctx, query("load_delete_edition"), d.Edition.ID); err != nil {
			return err
		}
		ed := d.Edition
		if err := tx.QueryRow(ctx, query("load_insert_edition"), ed.ID, ed.Title, ed.LSOAVintage, ed.LADVintage,
			ed.LSOACount, d.PopulationSource, nullable(d.ScoreSource)).Scan(&rep.Generation); err != nil {
			return err
		}
		for _, q := range []string{"load_insert_lsoa", "load_insert_area_lsoa"} {
			if _, err := tx.Exec(ctx, query(q), ed.ID); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		if err := tx.QueryRow(ctx, query("load_points"), ed.ID).Scan(&rep.Centroids, &rep.PointsOnSurface); err != nil {
			return err
		}
		step("insert", t)

		t = time.Now()
		if _, err := tx.Exec(ctx, query("load_stage_parent")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("load_dissolve_lad"), ed.ID, ed.LSOACount); err != nil {
			return fmt.Errorf("dissolve LADs: %w", err)
		}
		for _, q := range []struct {
			level, name string
			args        []any
			with        bool // the edition has the level's lookup
		}{
			{"ICBs", "load_dissolve_from_lads", []any{ed.ID, ed.LSOACount, spatlas.LevelICB}, d.ICB != nil},
			{"MSOAs", "load_dissolve_msoa", []any{ed.ID, ed.LSOACount}, d.MSOA != nil},
			{"regions", "load_dissolve_from_lads", []any{ed.ID, ed.LSOACount, spatlas.LevelRegion}, d.Region != nil},
		} {
			if !q.with {
				continue
			}
			if _, err := tx.Exec(ctx, query(q.name), q.args...); err != nil {
				return fmt.Errorf("dissolve %s: %w", q.level, err)
			}
		}
		for _, l := range []struct {
			level string
			n     *int64
		}{
			{spatlas.LevelMSOA, &rep.MSOAs}, {spatlas.LevelLAD, &rep.LADs},
			{spatlas.LevelICB, &rep.ICBs}, {spatlas.LevelRegion, &rep.Regions},
		} {
			tag, err := tx.Exec(ctx, query("load_insert_area_parent"), ed.ID, l.level)
			if err != nil {
				return fmt.Errorf("%s areas: %w", l.level, err)
			}
			*l.n = tag.RowsAffected()
		}
		step("dissolve", t)

		t = time.Now()
		for _, z := range zoomBands {
			w, h := gridCell(z)
			if _, err := tx.Exec(ctx, query("load_insert_area_geom"), ed.ID, z, w, h); err != nil {
				return fmt.Errorf("generalise for zoom %d: %w", z, err)
			}
		}
		step("generalise", t)

		t = time.Now()
		if _, err := tx.Exec(ctx, query("load_insert_collections"), ed.ID); err != nil {
			return err
		}
		if err := insertProvenance(ctx, tx, ed.ID, d.Sources); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("load_analyze")); err != nil {
			return err
		}
		step("finish", t)
		rep.Duration = time.Since(start)
		js, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, query("load_set_report"), ed.ID, js)
		return err
	})
	rep.Duration = time.Since(start)
	return rep, err
}

// gridCell is the grid a zoom band's geometries are snapped to: half a pixel of longitude at
// that zoom (256-pixel tiles) wide, and as tall as that is on the ground at English latitudes.
func gridCell(zoom int) (w, h float64) {
	w = 360 / (256 * math.Exp2(float64(zoom))) / 2
	return w, w * 0.6
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var stageLSOAColumns = func() []string {
	cols := []string{"code", "name", "lad_code", "lad_name", "icb_code", "icb_name",
		"msoa_code", "msoa_name", "region_code", "region_name", "imd_rank", "imd_decile", "imd_score"}
	for _, d := range spatlas.Domains {
		cols = append(cols, d+"_rank", d+"_decile", d+"_score")
	}
	return append(cols, "population", "px", "py")
}()

func lsoaRows(d spatlas.EditionData) pgx.CopyFromSource {
	i := -1
	return pgx.CopyFromFunc(func() ([]any, error) {
		i++
		if i >= len(d.LSOAs) {
			return nil, nil
		}
		l := &d.LSOAs[i]
		icb, msoa, region := d.ICB[l.Code], d.MSOA[l.Code], d.Region[l.Code] // nil maps give zero Parents
		row := make([]any, 0, len(stageLSOAColumns))
		row = append(row, l.Code, nullable(l.Name), nullable(l.LADCode), nullable(l.LADName),
			nullable(icb.Code), nullable(icb.Name), nullable(msoa.Code), nullable(msoa.Name),
			nullable(region.Code), nullable(region.Name), l.IMD.Rank, l.IMD.Decile, l.IMD.Score)
		for _, m := range l.Domain {
			row = append(row, m.Rank, m.Decile, m.Score)
		}
		var px, py *float64
		if c, ok := d.Centroids[l.Code]; ok {
			px, py = &c[0], &c[1]
		}
		return append(row, l.Population, px, py), nil
	})
}

// copyBoundaries streams the boundaries into stage_geom while they are being read.
func copyBoundaries(ctx context.Context, tx pgx.Tx, read func(context.Context, func(spatlas.Boundary) error) error) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan spatlas.Boundary, 256)
	readErr := make(chan error, 1)
	go func() {
		defer close(ch)
		readErr <- read(ctx, func(b spatlas.Boundary) error {
			select {
			case ch <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_geom"}, []string{"code", "name", "geom", "file", "feature"},
		pgx.CopyFromFunc(func() ([]any, error) {
			b, ok := <-ch
			if !ok {
				return nil, nil
			}
			return []any{b.Code, b.Name, ewkb(b.WKB, b.SRID), b.File, int32(b.Feature)}, nil
		}))
	if err != nil {
		cancel()
		for range ch {
		}
		if rerr := <-readErr; rerr != nil && ctx.Err() == nil {
			return 0, rerr
		}
		return 0, fmt.Errorf("copy boundaries: %w", err)
	}
	if err := <-readErr; err != nil {
		return 0, err
	}
	return n, nil
}

// ewkb turns little- or big-endian WKB into EWKB carrying the SRID: PostGIS's binary input for
// geometry, so that COPY stores geometries without a decoding step in SQL. pgx passes []byte
// through unchanged for a type it does not know, such as geometry.
func ewkb(wkb []byte, srid int) []byte {
	if len(wkb) < 5 {
		return wkb
	}
	var order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	if wkb[0] == 0 {
		order = binary.BigEndian
	}
	out := make([]byte, 0, len(wkb)+4)
	out = append(out, wkb[0])
	out = order.AppendUint32(out, order.Uint32(wkb[1:5])|0x20000000)
	out = order.AppendUint32(out, uint32(srid))
	return append(out, wkb[5:]...)
}

func checkDuplicates(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, query("load_duplicates"))
	if err != nil {
		return err
	}
	type dup struct{ Code, Where string }
	dups, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dup])
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		return spatlas.Errorf(spatlas.EINVALID, "boundaries: LSOA %s appears more than once (%s)", dups[0].Code, dups[0].Where)
	}
	return nil
}

func insertProvenance(ctx context.Context, tx pgx.Tx, edition string, src []spatlas.SourceFile) error {
	var ds, fs, shas []string
	var bytes, rows []int64
	for _, s := range src {
		ds, fs, shas = append(ds, s.Dataset), append(fs, s.File), append(shas, s.SHA256)
		bytes, rows = append(bytes, s.Bytes), append(rows, s.Rows)
	}
	_, err := tx.Exec(ctx, query("load_insert_provenance"), edition, ds, fs, shas, bytes, rows)
	return err
}

// StageBoundaries runs the boundary stage of a load on its own and discards the result: the
// streamed features are bulk-copied into the staging table exactly as LoadEdition copies them,
// and given a GiST index. It is what the benchmark compares with ogr2ogr loading the same
// features (parse, copy, spatial index); LoadEdition's checks, reprojection and dissolves come on
// top of it and are timed separately in the load report.
func (db *DB) StageBoundaries(ctx context.Context, read func(context.Context, func(spatlas.Boundary) error) error) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, query("load_stage_geom")); err != nil {
			return err
		}
		var err error
		if n, err = copyBoundaries(ctx, tx, read); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, query("stage_geom_index"))
		return err
	})
	return n, err
}
