package scenarios

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/engine"
	"github.com/spatlas/spatlas/internal/geom"
	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

//go:embed sql/*.sql
var queries embed.FS

// query returns the text of sql/<name>.sql.
func query(name string) string { return pgdb.Query(queries, name) }

// Store reads editions for the engine and keeps scenarios.
type Store struct{ db *pgdb.DB }

// New returns the scenarios stage of the store over db.
func New(db *pgdb.DB) *Store { return &Store{db: db} }

// editionRow is an edition's count, vintage and generation.
type editionRow struct {
	LSOACount   int   `db:"lsoa_count"`
	LSOAVintage int   `db:"lsoa_vintage"`
	Generation  int64 `db:"generation"`
}

// lsoaRow is one LSOA as sql/lsoas.sql reads it.
type lsoaRow struct {
	Code   string      `db:"code"`
	Point  *geom.Point `db:"point"`
	LonLat *geom.Point `db:"lonlat"`
	Pop    float64     `db:"pop"`
	Rank   int         `db:"rank"`
	Decile int         `db:"decile"`
	LAD    string      `db:"lad"`
	ICB    string      `db:"icb"`
	Region string      `db:"region"`
}

// siteRow is one asset or service as sql/assets.sql and sql/services.sql read them.
type siteRow struct {
	ID       string     `db:"id"`
	Point    geom.Point `db:"point"`
	LonLat   geom.Point `db:"lonlat"`
	Supply   float64    `db:"supply"`
	Category string     `db:"category"`
	Label    string     `db:"label"`
	Practice string     `db:"practice"`
	LSOA     string     `db:"lsoa"`
}

// ModelInput reads an edition for the engine, with the parameters p (those of its build):
// LSOA points decoded from EWKB, populations, IMD ranks and deciles, and every asset and
// service. ENOTFOUND when the edition is not loaded.
func (s *Store) ModelInput(ctx context.Context, edition string, p spatlas.BuildParams) (*engine.Input, error) {
	var in *engine.Input
	err := pgx.BeginTxFunc(ctx, s.db.Pool(), pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, query("serial")); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, query("edition"), edition)
		e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[editionRow])
		if errors.Is(err, pgx.ErrNoRows) {
			return spatlas.Errorf(spatlas.ENOTFOUND, "no edition %q is loaded", edition)
		} else if err != nil {
			return err
		}
		in = &engine.Input{Edition: edition, Generation: e.Generation, Count: e.LSOACount, Params: p}
		if in.LSOAs, err = readLSOAs(ctx, tx, edition); err != nil {
			return err
		}
		if in.Assets, err = readSites(ctx, tx, "assets", e.LSOAVintage); err != nil {
			return err
		}
		in.Services, err = readSites(ctx, tx, "services", e.LSOAVintage)
		return err
	})
	return in, pgdb.AppError(err)
}

func readLSOAs(ctx context.Context, tx pgx.Tx, edition string) ([]engine.LSOA, error) {
	rows, _ := tx.Query(ctx, query("lsoas"), edition)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[lsoaRow])
	if err != nil {
		return nil, err
	}
	out := make([]engine.LSOA, len(rs))
	for i, r := range rs {
		l := engine.LSOA{Code: r.Code, X: math.NaN(), Y: math.NaN(), Lon: math.NaN(), Lat: math.NaN(),
			Pop: r.Pop, Rank: r.Rank, Decile: r.Decile, LAD: r.LAD, ICB: r.ICB, Region: r.Region}
		if r.Point != nil && r.LonLat != nil {
			l.X, l.Y, l.Lon, l.Lat = r.Point.X, r.Point.Y, r.LonLat.X, r.LonLat.Y
		}
		out[i] = l
	}
	return out, nil
}

func readSites(ctx context.Context, tx pgx.Tx, name string, vintage int) ([]engine.Site, error) {
	rows, _ := tx.Query(ctx, query(name), vintage)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[siteRow])
	if err != nil {
		return nil, err
	}
	out := make([]engine.Site, len(rs))
	for i, r := range rs {
		out[i] = engine.Site{ID: r.ID, X: r.Point.X, Y: r.Point.Y, Lon: r.LonLat.X, Lat: r.LonLat.Y,
			Supply: r.Supply, Category: r.Category, Label: r.Label, Practice: r.Practice, LSOA: r.LSOA}
	}
	return out, nil
}

// projected is a point in British National Grid metres and whether it lies in the edition.
type projected struct {
	X      float64 `db:"x"`
	Y      float64 `db:"y"`
	Inside bool    `db:"inside"`
}

// Project transforms lon/lat points to British National Grid metres (xs, ys) and says which lie
// within tolerance metres of an LSOA of the edition, that is in England.
func (s *Store) Project(ctx context.Context, edition string, lon, lat []float64, tolerance float64) (xs, ys []float64, inside []bool, err error) {
	rows, _ := s.db.Pool().Query(ctx, query("project"), edition, lon, lat, tolerance)
	ps, err := pgx.CollectRows(rows, pgx.RowToStructByName[projected])
	if err != nil {
		return nil, nil, nil, pgdb.AppError(err)
	}
	for _, p := range ps {
		xs, ys, inside = append(xs, p.X), append(ys, p.Y), append(inside, p.Inside)
	}
	return xs, ys, inside, nil
}

// record is a stored scenario.
type record struct {
	Edition   string    `db:"edition"`
	Request   []byte    `db:"request"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// PutScenario stores a scenario's request for a lifetime; client (an address) is kept hashed.
func (s *Store) PutScenario(ctx context.Context, id, edition string, request []byte, client string, lifetime time.Duration) error {
	h := sha256.Sum256([]byte(client))
	_, err := s.db.Pool().Exec(ctx, query("put"), id, edition, request, hex.EncodeToString(h[:8]), lifetime.Seconds())
	return pgdb.AppError(err)
}

// Scenario returns a stored scenario's edition, request (JSON) and times; ENOTFOUND when there
// is none or it expired.
func (s *Store) Scenario(ctx context.Context, id string) (edition string, request []byte, created, expires time.Time, err error) {
	rows, _ := s.db.Pool().Query(ctx, query("get"), id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[record])
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, created, expires, spatlas.Errorf(spatlas.ENOTFOUND, "no scenario %q (or it expired)", id)
	} else if err != nil {
		return "", nil, created, expires, pgdb.AppError(err)
	}
	return r.Edition, r.Request, r.CreatedAt, r.ExpiresAt, nil
}

// LSOAGeometries returns the polygons of LSOAs of an edition in lon/lat, as GeoJSON geometries.
func (s *Store) LSOAGeometries(ctx context.Context, edition string, codes []string) (map[string]json.RawMessage, error) {
	rows, _ := s.db.Pool().Query(ctx, query("geometries"), edition, codes)
	out := make(map[string]json.RawMessage, len(codes))
	var code, g string
	_, err := pgx.ForEachRow(rows, []any{&code, &g}, func() error {
		out[code] = json.RawMessage(g)
		return nil
	})
	return out, pgdb.AppError(err)
}

// LSOAMetric returns the published value of a numeric LSOA property for each LSOA of an edition
// that has one.
func (s *Store) LSOAMetric(ctx context.Context, edition, name string) (map[string]float64, error) {
	rows, _ := s.db.Pool().Query(ctx, query("lsoa_metric"), edition, name)
	out := map[string]float64{}
	var code string
	var v float64
	_, err := pgx.ForEachRow(rows, []any{&code, &v}, func() error {
		out[code] = v
		return nil
	})
	return out, pgdb.AppError(err)
}
