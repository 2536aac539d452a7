package reads

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// profileMetrics are the metrics an area profile ranks, by level.
func profileMetrics(level string) []string {
	common := []string{"need_pct", "assets_n", "assets_per_1k", "nearest_asset_m", "assets_within_1600m",
		"assets_access_per_1k", "lw_fte", "lw_fte_per_10k", "provision_pct", "gap"}
	if level == spatlas.LevelLSOA {
		return append(common, "gi_z")
	}
	return append(common, "underserved_lsoas", "underserved_population", "hotspot_lsoas")
}

// AreaProfile returns everything known of one area: its properties, where it stands on each
// metric in England and in its LAD and ICB beside their own values, and the provision nearest
// to it.
func (s *Reader) AreaProfile(ctx context.Context, edition, code string) (spatlas.AreaProfile, error) {
	ap := spatlas.AreaProfile{Edition: edition}
	if _, err := spatlas.EditionByID(edition); err != nil {
		return ap, err
	}
	var props, parents string
	err := s.db.Pool().QueryRow(ctx, query("area"), edition, code).Scan(&ap.Area.Level, &ap.Area.Name, &props, &parents)
	if errors.Is(err, pgx.ErrNoRows) {
		return ap, spatlas.Errorf(spatlas.ENOTFOUND, "no area %q in %s", code, edition)
	}
	if err != nil {
		return ap, pgdb.AppError(err)
	}
	ap.Area.Code = code
	ap.Properties = json.RawMessage(props)
	if err := json.Unmarshal([]byte(parents), &ap.Parents); err != nil {
		return ap, err
	}
	if b, err := s.builds.BuildInfo(ctx, edition); err == nil {
		ap.Build = &b
	} else if spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		return ap, err
	}

	if ap.Build != nil {
		if ap.Metrics, err = s.standings(ctx, edition, ap); err != nil {
			return ap, err
		}
	}
	ap.NearestAssets, ap.NearestServices, err = s.nearby(ctx, edition, ap.Area.Level, code, 5)
	return ap, err
}

// standings ranks a built area on each profile metric in England and in its LAD and ICB, beside
// their own values.
func (s *Reader) standings(ctx context.Context, edition string, ap spatlas.AreaProfile) ([]spatlas.ProfileMetric, error) {
	code := ap.Area.Code
	// Peer areas whose own values stand beside the area's: its LAD and ICB.
	peers := map[string]spatlas.AreaRef{}
	var codes []string
	for _, p := range ap.Parents {
		if (p.Level == spatlas.LevelLAD || p.Level == spatlas.LevelICB) && p.Level != ap.Area.Level {
			peers[p.Level] = p
			codes = append(codes, p.Code)
		}
	}
	type peerRow struct {
		Code  string
		Props map[string]any
	}
	vrows, err := s.db.Pool().Query(ctx, query("values"), edition, codes)
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	prs, err := pgx.CollectRows(vrows, pgx.RowToStructByName[peerRow])
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	peerVals := make(map[string]map[string]any, len(prs))
	for _, p := range prs {
		peerVals[p.Code] = p.Props
	}

	names := profileMetrics(ap.Area.Level)
	cols := spatlas.MetricColumns(ap.Build.Categories)
	pos := make([]int32, 0, len(names))
	nameAt := map[int32]string{}
	for i, c := range cols {
		if slices.Contains(names, c.Name) {
			pos = append(pos, int32(i+1))
			nameAt[int32(i+1)] = c.Name
		}
	}
	rows, err := s.db.Pool().Query(ctx, query("standings"), edition, ap.Area.Level, code, pos)
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	ranks, err := pgx.CollectRows(rows, pgx.RowToStructByName[rankRow])
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	byName := map[string]spatlas.ProfileMetric{}
	england := spatlas.AreaRef{Level: "country", Code: spatlas.England, Name: "England"}
	for _, r := range ranks {
		name := nameAt[r.At]
		pm := spatlas.ProfileMetric{Name: name}
		if r.X != nil {
			pm.Value = *r.X
		}
		pm.Standings = append(pm.Standings, standing(england, r.X, r.RankAll, r.NAll, ap.Build.England[name]))
		for _, lv := range []string{spatlas.LevelLAD, spatlas.LevelICB} {
			p, ok := peers[lv]
			if !ok {
				continue
			}
			rank, n := r.RankLAD, r.NLAD
			if lv == spatlas.LevelICB {
				rank, n = r.RankICB, r.NICB
			}
			pm.Standings = append(pm.Standings, standing(p, r.X, rank, n, peerVals[p.Code][name]))
		}
		byName[name] = pm
	}
	var out []spatlas.ProfileMetric
	for _, n := range names {
		if pm, ok := byName[n]; ok {
			out = append(out, pm)
		}
	}
	return out, nil
}

// rankRow is where an area stands on one metric (at: its position in the build's columns).
type rankRow struct {
	At            int32
	X             *float64
	RankAll, NAll int
	RankLAD, NLAD int
	RankICB, NICB int
}

func standing(peers spatlas.AreaRef, x *float64, rank, of int, value any) spatlas.Standing {
	s := spatlas.Standing{Area: peers, Of: of, Value: value}
	if x == nil || of == 0 {
		return s
	}
	s.Rank = &rank
	pct := 1.0
	if of > 1 {
		pct = spatlas.Round(float64(of-rank)/float64(of-1), 4)
	}
	s.Pct = &pct
	return s
}

func (s *Reader) nearby(ctx context.Context, edition, level, code string, n int) (assets, services []spatlas.Nearby, err error) {
	rows, err := s.db.Pool().Query(ctx, query("nearby"), edition, level, code, n)
	if err != nil {
		return nil, nil, pgdb.AppError(err)
	}
	nbs, err := pgx.CollectRows(rows, pgx.RowToStructByName[spatlas.Nearby])
	if err != nil {
		return nil, nil, pgdb.AppError(err)
	}
	assets, services = []spatlas.Nearby{}, []spatlas.Nearby{}
	for _, nb := range nbs {
		nb.DistanceM = spatlas.Round(nb.DistanceM, 0)
		if nb.Kind == "asset" {
			assets = append(assets, nb)
		} else {
			services = append(services, nb)
		}
	}
	return assets, services, nil
}

// scope resolves the area of an analysis: England (code "" or E92000001), or a LAD, ICB or
// region of the edition.
func (s *Reader) scope(ctx context.Context, edition, code string) (spatlas.AreaRef, *string, error) {
	if code == "" || code == spatlas.England {
		return spatlas.AreaRef{Level: "country", Code: spatlas.England, Name: "England"}, nil, nil
	}
	ref := spatlas.AreaRef{Code: code}
	err := s.db.Pool().QueryRow(ctx, query("scope"), edition, code).Scan(&ref.Level, &ref.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return ref, nil, spatlas.Errorf(spatlas.ENOTFOUND, "area %q is not a LAD, ICB or region of %s, nor England (%s)", code, edition, spatlas.England)
	}
	return ref, &code, pgdb.AppError(err)
}

// Underserved ranks the underserved LSOAs of an area by gap, then hotspot z.
func (s *Reader) Underserved(ctx context.Context, q spatlas.UnderservedQuery) (spatlas.UnderservedResult, error) {
	res := spatlas.UnderservedResult{Areas: []spatlas.UnderservedArea{}}
	ref, area, err := s.scope(ctx, q.Edition, q.Area)
	if err != nil {
		return res, err
	}
	res.Area = ref
	rows, err := s.db.Pool().Query(ctx, query("underserved"), q.Edition, area, q.MaxDecile, q.MaxPct, q.Limit)
	if err != nil {
		return res, pgdb.AppError(err)
	}
	us, err := pgx.CollectRows(rows, pgx.RowToStructByName[underservedRow])
	if err != nil {
		return res, pgdb.AppError(err)
	}
	for _, r := range us {
		res.Count, res.Population = r.Count, r.TotalPopulation
		res.Areas = append(res.Areas, r.area())
	}
	return res, nil
}

// underservedRow is an underserved LSOA with the nearest asset and service, and the count and
// population of all the area's underserved LSOAs.
type underservedRow struct {
	Code, Name, LADCode, LADName                 string
	IMDDecile                                    int
	Population                                   int64
	NeedPct, ProvisionPct, Gap                   float64
	GiZ                                          *float64
	GiSig                                        bool
	Count                                        int64
	TotalPopulation                              int64
	AssetID, AssetName, AssetCategory            *string
	AssetD, AssetLon, AssetLat                   *float64
	ServiceID, ServiceName, ServiceProvider      *string
	ServiceFTE, ServiceD, ServiceLon, ServiceLat *float64
}

// area returns the LSOA as published, rounded as its properties are.
func (r underservedRow) area() spatlas.UnderservedArea {
	u := spatlas.UnderservedArea{Code: r.Code, Name: r.Name, LADCode: r.LADCode, LADName: r.LADName,
		IMDDecile: r.IMDDecile, Population: r.Population, GiSig: r.GiSig,
		NeedPct: spatlas.Round(r.NeedPct, 4), ProvisionPct: spatlas.Round(r.ProvisionPct, 4), Gap: spatlas.Round(r.Gap, 4)}
	if r.GiZ != nil {
		z := spatlas.Round(*r.GiZ, 3)
		u.GiZ = &z
	}
	if r.AssetID != nil {
		u.NearestAsset = &spatlas.Nearby{ID: *r.AssetID, Name: *r.AssetName, Kind: "asset", Category: *r.AssetCategory,
			DistanceM: spatlas.Round(*r.AssetD, 0), Lon: *r.AssetLon, Lat: *r.AssetLat}
	}
	if r.ServiceID != nil {
		u.NearestService = &spatlas.Nearby{ID: *r.ServiceID, Name: *r.ServiceName, Kind: "service", Provider: *r.ServiceProvider,
			FTE: r.ServiceFTE, DistanceM: spatlas.Round(*r.ServiceD, 0), Lon: *r.ServiceLon, Lat: *r.ServiceLat}
	}
	return u
}

// InequalityRows returns the LSOAs of an area with a metric's value.
func (s *Reader) InequalityRows(ctx context.Context, edition, metric, area string) (spatlas.AreaRef, []spatlas.InequalityRow, error) {
	ref, code, err := s.scope(ctx, edition, area)
	if err != nil {
		return ref, nil, err
	}
	rows, err := s.db.Pool().Query(ctx, query("inequality"), edition, metric, code)
	if err != nil {
		return ref, nil, pgdb.AppError(err)
	}
	type row struct {
		Value      *float64
		Population float64
		Rank       int
		Decile     int16
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return ref, nil, pgdb.AppError(err)
	}
	var out []spatlas.InequalityRow
	for _, r := range rs {
		if r.Value != nil {
			out = append(out, spatlas.InequalityRow{Value: *r.Value, Population: r.Population, Rank: r.Rank, Decile: int(r.Decile)})
		}
	}
	return ref, out, nil
}

// Datasets lists the loaded dataset files with their provenance.
func (s *Reader) Datasets(ctx context.Context) ([]spatlas.Dataset, error) {
	rows, err := s.db.Pool().Query(ctx, query("datasets"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (spatlas.Dataset, error) {
		var (
			d  spatlas.Dataset
			ed *string
		)
		err := r.Scan(&d.Kind, &ed, &d.Dataset, &d.File, &d.SHA256, &d.Bytes, &d.Rows, &d.LoadedAt)
		if ed != nil {
			d.Edition = *ed
		}
		return d, err
	})
	return ds, pgdb.AppError(err)
}
