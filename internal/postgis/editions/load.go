package editions

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// Provenance returns the source files recorded for the last load of an edition.
func (s *Loader) Provenance(ctx context.Context, edition string) ([]spatlas.SourceFile, error) {
	rows, err := s.db.Pool().Query(ctx, query("provenance"), edition)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[spatlas.SourceFile])
}

// LoadEdition replaces an edition's data with d in one transaction: bulk copies into staging
// tables, checks, then swaps. Until it commits, readers see the previous data; if it fails or
// the process dies, the previous data stays.
func (s *Loader) LoadEdition(ctx context.Context, d spatlas.EditionData) (spatlas.LoadReport, error) {
	start := time.Now()
	l := &load{d: d, rep: spatlas.LoadReport{
		Edition:          d.Edition.ID,
		PopulationSource: d.PopulationSource,
		ScoreSource:      d.ScoreSource,
		Sources:          d.Sources,
		CentroidSource:   d.CentroidSource,
		LSOAs:            int64(len(d.LSOAs)),
	}}
	err := pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		l.tx = tx
		for _, st := range []struct {
			name string
			run  func(context.Context) error
		}{
			{"copy", l.copy}, {"validate", l.validate}, {"insert", l.insert},
			{"dissolve", l.dissolve}, {"generalise", l.generalise}, {"finish", l.finish},
		} {
			t := time.Now()
			if err := st.run(ctx); err != nil {
				return err
			}
			l.rep.Steps = append(l.rep.Steps, spatlas.StepDuration{Step: st.name, Duration: time.Since(t)})
			s.db.Logger().Debug("load step", "edition", d.Edition.ID, "step", st.name, "duration", time.Since(t))
		}
		l.rep.Duration = time.Since(start)
		js, err := json.Marshal(l.rep)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, query("set_report"), d.Edition.ID, js)
		return err
	})
	l.rep.Duration = time.Since(start)
	return l.rep, err
}

// load is one edition's load in its transaction; its steps run in order.
type load struct {
	tx  pgx.Tx
	d   spatlas.EditionData
	rep spatlas.LoadReport
}

// copy bulk-copies the deprivation rows and boundaries into staging tables.
func (l *load) copy(ctx context.Context) error {
	err := pgdb.ExecAll(ctx, l.tx,
		pgdb.NoTimeout(),
		stmt("lock", l.d.Edition.ID),
		stmt("stage_lsoa"),
		stmt("stage_geom"))
	if err != nil {
		return fmt.Errorf("stage %s: %w", l.d.Edition.ID, err)
	}
	if _, err := l.tx.CopyFrom(ctx, pgx.Identifier{"stage_lsoa"}, stageLSOAColumns(), lsoaRows(l.d)); err != nil {
		return fmt.Errorf("copy deprivation: %w", err)
	}
	l.rep.Boundaries, err = copyBoundaries(ctx, l.tx, l.d.Boundaries)
	return err
}

// validate checks the staged rows and reports what does not match.
func (l *load) validate(ctx context.Context) error {
	tx, rep := l.tx, &l.rep
	if err := pgdb.ExecAll(ctx, tx, pgdb.Analyze("stage_lsoa", "stage_geom")); err != nil {
		return err
	}
	if err := checkDuplicates(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, query("shapes")); err != nil {
		return fmt.Errorf("shapes: %w", err)
	}
	if err := tx.QueryRow(ctx, query("repaired")).Scan(&rep.Repaired); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, query("without_boundary")).Scan(&rep.WithoutBoundary.Count, &rep.WithoutBoundary.Sample); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, query("without_deprivation")).Scan(&rep.WithoutDeprivation.Count, &rep.WithoutDeprivation.Sample); err != nil {
		return err
	}
	if rep.WithoutBoundary.Count == rep.LSOAs {
		return spatlas.Errorf(spatlas.EINVALID,
			"%s: none of the %d deprivation rows has a boundary (first boundary codes: %v): the boundary files are of another edition or geography",
			l.d.Edition.ID, rep.LSOAs, rep.WithoutDeprivation.Sample)
	}
	return nil
}

// insert replaces the edition and its LSOAs with the staged ones.
func (l *load) insert(ctx context.Context) error {
	tx, ed := l.tx, l.d.Edition
	if _, err := tx.Exec(ctx, query("delete_edition"), ed.ID); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, query("insert_edition"), ed.ID, ed.Title, ed.LSOAVintage, ed.LADVintage,
		ed.LSOACount, l.d.PopulationSource, pgdb.Nullable(l.d.ScoreSource)).Scan(&l.rep.Generation); err != nil {
		return err
	}
	err := pgdb.ExecAll(ctx, tx,
		stmt("insert_lsoa", ed.ID),
		stmt("insert_area_lsoa", ed.ID))
	if err != nil {
		return err
	}
	return tx.QueryRow(ctx, query("points"), ed.ID).Scan(&l.rep.Centroids, &l.rep.PointsOnSurface)
}

// dissolve makes the areas above LSOAs from their LSOAs.
func (l *load) dissolve(ctx context.Context) error {
	tx, ed, d := l.tx, l.d.Edition, l.d
	if _, err := tx.Exec(ctx, query("stage_parent")); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, query("dissolve_lad"), ed.ID, ed.LSOACount); err != nil {
		return fmt.Errorf("dissolve LADs: %w", err)
	}
	for _, q := range []struct {
		level, name string
		args        []any
		with        bool // the edition has the level's lookup
	}{
		{"ICBs", "dissolve_from_lads", []any{ed.ID, ed.LSOACount, spatlas.LevelICB}, d.ICB != nil},
		{"MSOAs", "dissolve_msoa", []any{ed.ID, ed.LSOACount}, d.MSOA != nil},
		{"regions", "dissolve_from_lads", []any{ed.ID, ed.LSOACount, spatlas.LevelRegion}, d.Region != nil},
	} {
		if !q.with {
			continue
		}
		if _, err := tx.Exec(ctx, query(q.name), q.args...); err != nil {
			return fmt.Errorf("dissolve %s: %w", q.level, err)
		}
	}
	for _, a := range []struct {
		level string
		n     *int64
	}{
		{spatlas.LevelMSOA, &l.rep.MSOAs}, {spatlas.LevelLAD, &l.rep.LADs},
		{spatlas.LevelICB, &l.rep.ICBs}, {spatlas.LevelRegion, &l.rep.Regions},
	} {
		tag, err := tx.Exec(ctx, query("insert_area_parent"), ed.ID, a.level)
		if err != nil {
			return fmt.Errorf("%s areas: %w", a.level, err)
		}
		*a.n = tag.RowsAffected()
	}
	return nil
}

// generalise stores each area's geometry for every zoom band.
func (l *load) generalise(ctx context.Context) error {
	for _, z := range pgdb.ZoomBands() {
		w, h := gridCell(z)
		if _, err := l.tx.Exec(ctx, query("insert_area_geom"), l.d.Edition.ID, z, w, h); err != nil {
			return fmt.Errorf("generalise for zoom %d: %w", z, err)
		}
	}
	return nil
}

// finish lists the edition's collections and records where its data came from.
func (l *load) finish(ctx context.Context) error {
	id := l.d.Edition.ID
	if _, err := l.tx.Exec(ctx, query("insert_collections"), id); err != nil {
		return err
	}
	if err := insertProvenance(ctx, l.tx, id, l.d.Sources); err != nil {
		return err
	}
	return pgdb.ExecAll(ctx, l.tx, pgdb.Analyze("lsoa", "area", "area_geom"))
}

// gridCell is the grid a zoom band's geometries are snapped to: half a pixel of longitude at
// that zoom (256-pixel tiles) wide, and as tall as that is on the ground at English latitudes.
func gridCell(zoom int) (w, h float64) {
	w = 360 / (256 * math.Exp2(float64(zoom))) / 2
	return w, w * 0.6
}

// stageLSOAColumns are the columns of stage_lsoa that the deprivation rows fill.
func stageLSOAColumns() []string {
	cols := []string{"code", "name", "lad_code", "lad_name", "icb_code", "icb_name",
		"msoa_code", "msoa_name", "region_code", "region_name", "imd_rank", "imd_decile", "imd_score"}
	for _, d := range spatlas.Domains {
		cols = append(cols, d+"_rank", d+"_decile", d+"_score")
	}
	return append(cols, "population", "px", "py")
}

func lsoaRows(d spatlas.EditionData) pgx.CopyFromSource {
	i, width := -1, len(stageLSOAColumns())
	return pgx.CopyFromFunc(func() ([]any, error) {
		i++
		if i >= len(d.LSOAs) {
			return nil, nil
		}
		l := &d.LSOAs[i]
		icb, msoa, region := d.ICB[l.Code], d.MSOA[l.Code], d.Region[l.Code] // nil maps give zero Parents
		row := make([]any, 0, width)
		row = append(row, l.Code, pgdb.Nullable(l.Name), pgdb.Nullable(l.LADCode), pgdb.Nullable(l.LADName),
			pgdb.Nullable(icb.Code), pgdb.Nullable(icb.Name), pgdb.Nullable(msoa.Code), pgdb.Nullable(msoa.Name),
			pgdb.Nullable(region.Code), pgdb.Nullable(region.Name), l.IMD.Rank, l.IMD.Decile, l.IMD.Score)
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
	rows, err := tx.Query(ctx, query("duplicates"))
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
	_, err := tx.Exec(ctx, query("insert_provenance"), edition, ds, fs, shas, bytes, rows)
	return err
}

// StageBoundaries runs the boundary stage of a load on its own and discards the result: the
// streamed features are bulk-copied into the staging table exactly as LoadEdition copies them,
// and given a GiST index. It is what the benchmark compares with ogr2ogr loading the same
// features (parse, copy, spatial index); LoadEdition's checks, reprojection and dissolves come on
// top of it and are timed separately in the load report.
func (s *Loader) StageBoundaries(ctx context.Context, read func(context.Context, func(spatlas.Boundary) error) error) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, query("stage_geom")); err != nil {
			return err
		}
		var err error
		if n, err = copyBoundaries(ctx, tx, read); err != nil {
			return err
		}
		return pgdb.ExecAll(ctx, tx, pgdb.GistIndex("stage_geom", "geom"))
	})
	return n, err
}
