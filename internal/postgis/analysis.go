package postgis

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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
func (db *DB) AreaProfile(ctx context.Context, edition, code string) (spatlas.AreaProfile, error) {
	ap := spatlas.AreaProfile{Edition: edition}
	if _, err := spatlas.EditionByID(edition); err != nil {
		return ap, err
	}
	var props, parents string
	err := db.pool.QueryRow(ctx, query("analysis_area"), edition, code).Scan(&ap.Area.Level, &ap.Area.Name, &props, &parents)
	if errors.Is(err, pgx.ErrNoRows) {
		return ap, spatlas.Errorf(spatlas.ENOTFOUND, "no area %q in %s", code, edition)
	}
	if err != nil {
		return ap, storeError(err)
	}
	ap.Area.Code = code
	ap.Properties = json.RawMessage(props)
	if err := json.Unmarshal([]byte(parents), &ap.Parents); err != nil {
		return ap, err
	}
	if b, err := db.BuildInfo(ctx, edition); err == nil {
		ap.Build = &b
	} else if spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		return ap, err
	}

	if ap.Build != nil {
		if ap.Metrics, err = db.standings(ctx, edition, ap); err != nil {
			return ap, err
		}
	}
	ap.NearestAssets, ap.NearestServices, err = db.nearby(ctx, edition, ap.Area.Level, code, 5)
	return ap, err
}

// standings ranks a built area on each profile metric in England and in its LAD and ICB, beside
// their own values.
func (db *DB) standings(ctx context.Context, edition string, ap spatlas.AreaProfile) ([]spatlas.ProfileMetric, error) {
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
	peerVals := map[string]map[string]any{}
	vrows, err := db.pool.Query(ctx, query("analysis_values"), edition, codes)
	if err != nil {
		return nil, storeError(err)
	}
	var (
		pcode, pprops string
	)
	if _, err := pgx.ForEachRow(vrows, []any{&pcode, new(string), &pprops}, func() error {
		m := map[string]any{}
		peerVals[pcode] = m
		return json.Unmarshal([]byte(pprops), &m)
	}); err != nil {
		return nil, storeError(err)
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
	rows, err := db.pool.Query(ctx, query("analysis_standings"), edition, ap.Area.Level, code, pos)
	if err != nil {
		return nil, storeError(err)
	}
	byName := map[string]spatlas.ProfileMetric{}
	for rows.Next() {
		var (
			at                     int32
			x                      *float64
			rAll, nAll, rLAD, nLAD int
			rICB, nICB             int
		)
		if err := rows.Scan(&at, &x, &rAll, &nAll, &rLAD, &nLAD, &rICB, &nICB); err != nil {
			return nil, storeError(err)
		}
		name := nameAt[at]
		pm := spatlas.ProfileMetric{Name: name}
		if x != nil {
			pm.Value = *x
		}
		england := spatlas.AreaRef{Level: "country", Code: spatlas.England, Name: "England"}
		pm.Standings = append(pm.Standings, standing(england, x, rAll, nAll, ap.Build.England[name]))
		for _, lv := range []string{spatlas.LevelLAD, spatlas.LevelICB} {
			p, ok := peers[lv]
			if !ok {
				continue
			}
			r, n := rLAD, nLAD
			if lv == spatlas.LevelICB {
				r, n = rICB, nICB
			}
			pm.Standings = append(pm.Standings, standing(p, x, r, n, peerVals[p.Code][name]))
		}
		byName[name] = pm
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err)
	}
	var out []spatlas.ProfileMetric
	for _, n := range names {
		if pm, ok := byName[n]; ok {
			out = append(out, pm)
		}
	}
	return out, nil
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

func (db *DB) nearby(ctx context.Context, edition, level, code string, n int) (assets, services []spatlas.Nearby, err error) {
	rows, err := db.pool.Query(ctx, query("analysis_nearby"), edition, level, code, n)
	if err != nil {
		return nil, nil, storeError(err)
	}
	assets, services = []spatlas.Nearby{}, []spatlas.Nearby{}
	for rows.Next() {
		var (
			nb        spatlas.Nearby
			cat, prov *string
		)
		if err := rows.Scan(&nb.Kind, &nb.ID, &nb.Name, &cat, &prov, &nb.FTE, &nb.DistanceM, &nb.Lon, &nb.Lat); err != nil {
			return nil, nil, storeError(err)
		}
		nb.DistanceM = spatlas.Round(nb.DistanceM, 0)
		if cat != nil {
			nb.Category = *cat
		}
		if prov != nil {
			nb.Provider = *prov
		}
		if nb.Kind == "asset" {
			assets = append(assets, nb)
		} else {
			services = append(services, nb)
		}
	}
	return assets, services, storeError(rows.Err())
}

// scope resolves the area of an analysis: England (code "" or E92000001), or a LAD, ICB or
// region of the edition.
func (db *DB) scope(ctx context.Context, edition, code string) (spatlas.AreaRef, *string, error) {
	if code == "" || code == spatlas.England {
		return spatlas.AreaRef{Level: "country", Code: spatlas.England, Name: "England"}, nil, nil
	}
	ref := spatlas.AreaRef{Code: code}
	err := db.pool.QueryRow(ctx, query("analysis_scope"), edition, code).Scan(&ref.Level, &ref.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return ref, nil, spatlas.Errorf(spatlas.ENOTFOUND, "area %q is not a LAD, ICB or region of %s, nor England (%s)", code, edition, spatlas.England)
	}
	return ref, &code, storeError(err)
}

// Underserved ranks the underserved LSOAs of an area by gap, then hotspot z.
func (db *DB) Underserved(ctx context.Context, q spatlas.UnderservedQuery) (spatlas.UnderservedResult, error) {
	res := spatlas.UnderservedResult{Areas: []spatlas.UnderservedArea{}}
	ref, area, err := db.scope(ctx, q.Edition, q.Area)
	if err != nil {
		return res, err
	}
	res.Area = ref
	rows, err := db.pool.Query(ctx, query("analysis_underserved"), q.Edition, area, q.MaxDecile, q.MaxPct, q.Limit)
	if err != nil {
		return res, storeError(err)
	}
	for rows.Next() {
		var (
			u                    spatlas.UnderservedArea
			aID, aName, aCat     *string
			aD, aLon, aLat       *float64
			sID, sName, sProv    *string
			sFTE, sD, sLon, sLat *float64
		)
		if err := rows.Scan(&u.Code, &u.Name, &u.LADCode, &u.LADName, &u.IMDDecile, &u.Population,
			&u.NeedPct, &u.ProvisionPct, &u.Gap, &u.GiZ, &u.GiSig, &res.Count, &res.Population,
			&aID, &aName, &aCat, &aD, &aLon, &aLat, &sID, &sName, &sProv, &sFTE, &sD, &sLon, &sLat); err != nil {
			return res, storeError(err)
		}
		u.NeedPct, u.ProvisionPct, u.Gap = spatlas.Round(u.NeedPct, 4), spatlas.Round(u.ProvisionPct, 4), spatlas.Round(u.Gap, 4)
		if u.GiZ != nil {
			z := spatlas.Round(*u.GiZ, 3)
			u.GiZ = &z
		}
		if aID != nil {
			u.NearestAsset = &spatlas.Nearby{ID: *aID, Name: *aName, Kind: "asset", Category: *aCat, DistanceM: spatlas.Round(*aD, 0), Lon: *aLon, Lat: *aLat}
		}
		if sID != nil {
			u.NearestService = &spatlas.Nearby{ID: *sID, Name: *sName, Kind: "service", Provider: *sProv, FTE: sFTE, DistanceM: spatlas.Round(*sD, 0), Lon: *sLon, Lat: *sLat}
		}
		res.Areas = append(res.Areas, u)
	}
	return res, storeError(rows.Err())
}

// InequalityRows returns the LSOAs of an area with a metric's value.
func (db *DB) InequalityRows(ctx context.Context, edition, metric, area string) (spatlas.AreaRef, []spatlas.InequalityRow, error) {
	ref, code, err := db.scope(ctx, edition, area)
	if err != nil {
		return ref, nil, err
	}
	rows, err := db.pool.Query(ctx, query("analysis_inequality"), edition, metric, code)
	if err != nil {
		return ref, nil, storeError(err)
	}
	var out []spatlas.InequalityRow
	for rows.Next() {
		var (
			v      *float64
			r      spatlas.InequalityRow
			decile int16
		)
		if err := rows.Scan(&v, &r.Population, &r.Rank, &decile); err != nil {
			return ref, nil, storeError(err)
		}
		if v == nil {
			continue
		}
		r.Value, r.Decile = *v, int(decile)
		out = append(out, r)
	}
	return ref, out, storeError(rows.Err())
}

// Download writes the areas of a level, every published property a column, as CSV or as a
// GeoJSON FeatureCollection carrying the edition, build and parameters in its properties.
func (db *DB) Download(ctx context.Context, q spatlas.DownloadQuery, w io.Writer) error {
	var area *string
	if q.Area != "" && q.Area != spatlas.England {
		area = &q.Area
		var ok bool
		if err := db.pool.QueryRow(ctx, query("analysis_area_exists"), q.Edition, q.Area).Scan(&ok); err != nil {
			return storeError(err)
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
	cols := spatlas.DownloadColumns(q.Level, cats, q.Build != nil)
	rows, err := db.pool.Query(ctx, query("analysis_download"), q.Edition, q.Level, area, digits)
	if err != nil {
		return storeError(err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	var cw *csv.Writer
	if q.Format == "csv" {
		cw = csv.NewWriter(bw)
		if err := cw.Write(cols); err != nil {
			return err
		}
	} else {
		meta := map[string]any{"edition": q.Edition, "level": q.Level, "area": q.Area}
		if b := q.Build; b != nil {
			meta["built_at"], meta["params"], meta["build_generation"] = b.BuiltAt.Format(time.RFC3339), b.Params, b.Generation
		}
		mb, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, `{"type":"FeatureCollection","properties":%s,"features":[`, mb)
	}
	n := 0
	record := make([]string, len(cols))
	for rows.Next() {
		var (
			code, props string
			geom        *string
		)
		if err := rows.Scan(&code, &props, &geom); err != nil {
			return storeError(err)
		}
		if cw != nil {
			var m map[string]any
			dec := json.NewDecoder(strings.NewReader(props))
			dec.UseNumber()
			if err := dec.Decode(&m); err != nil {
				return err
			}
			for i, c := range cols {
				record[i] = csvValue(m[c])
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		} else {
			if n > 0 {
				bw.WriteByte(',')
			}
			id, _ := json.Marshal(code)
			g := "null"
			if geom != nil {
				g = *geom
			}
			fmt.Fprintf(bw, `{"type":"Feature","id":%s,"geometry":%s,"properties":%s}`, id, g, props)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return storeError(err)
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	} else {
		bw.WriteString("]}\n")
	}
	return bw.Flush()
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

// Datasets lists the loaded dataset files with their provenance.
func (db *DB) Datasets(ctx context.Context) ([]spatlas.Dataset, error) {
	rows, err := db.pool.Query(ctx, query("analysis_datasets"))
	if err != nil {
		return nil, storeError(err)
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
	return ds, storeError(err)
}
