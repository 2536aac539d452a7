package reads

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// band returns the stored zoom band for a requested zoom, or nil for full resolution: a
// request for zoom z is served from the smallest band >= z (never coarser than asked); above
// the last band, from the full-resolution geometry with coordinates rounded for z.
func band(zoom *int) *int16 {
	if zoom == nil {
		return nil
	}
	for _, b := range pgdb.ZoomBands() {
		if *zoom <= b {
			v := int16(b)
			return &v
		}
	}
	return nil
}

// decimals returns the decimal digits of lon/lat coordinates that resolve a pixel at a web-map
// zoom (256-pixel tiles): the degrees a pixel spans at zoom z are 360/(256*2^z). Without a zoom,
// 9 digits (0.1 mm) keep the source resolution.
func decimals(zoom *int) int {
	if zoom == nil {
		return 9
	}
	d := int(math.Ceil(math.Log10(256 * math.Exp2(float64(*zoom)) / 360)))
	return max(d, 1)
}

// Collections lists the collections of the loaded editions.
func (s *Reader) Collections(ctx context.Context) ([]spatlas.Collection, error) {
	rows, err := s.db.Pool().Query(ctx, query("collections"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	type row struct {
		Edition, Level         string
		Count                  int64
		MinX, MinY, MaxX, MaxY *float64
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	type built struct {
		Edition    string
		Categories []string
		Params     spatlas.BuildParams
	}
	brows, err := s.db.Pool().Query(ctx, query("build_categories"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	bs, err := pgx.CollectRows(brows, pgx.RowToStructByName[built])
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	builds := make(map[string]built, len(bs))
	for _, b := range bs {
		builds[b.Edition] = b
	}
	cs := make([]spatlas.Collection, 0, len(rs))
	for _, r := range rs {
		ed, err := spatlas.EditionByID(r.Edition)
		if err != nil {
			continue // an edition this version no longer knows
		}
		c := spatlas.Collection{
			ID:         spatlas.CollectionID(r.Edition, r.Level),
			Edition:    ed,
			Level:      r.Level,
			Title:      collectionTitle(ed, r.Level),
			Properties: spatlas.LevelProperties(r.Level),
			Count:      r.Count,
		}
		c.Description = c.Title + ": deprivation from the " + ed.Title + " on LSOA " + strconv.Itoa(ed.LSOAVintage) + " geography"
		if b, ok := builds[r.Edition]; ok {
			p := b.Params
			c.Properties = append(c.Properties, spatlas.MetricProperties(r.Level, b.Categories)...)
			c.Description += fmt.Sprintf(", with need-versus-provision metrics (E2SFCA catchments: assets %g m, link workers %g m, band weights %v; gap on %s; underserved: IMD decile <= %d and provision percentile <= %g; hotspots at false discovery rate %g)",
				p.AssetsCatchment, p.LinkWorkerCatchment, p.Weights, p.GapMetric, p.UnderservedDecile, p.UnderservedPct, p.HotspotFDR)
		}
		if r.MinX != nil {
			c.BBox = [4]float64{*r.MinX, *r.MinY, *r.MaxX, *r.MaxY}
		}
		cs = append(cs, c)
	}
	ps, err := s.provisionCollections(ctx)
	if err != nil {
		return nil, err
	}
	return append(cs, ps...), nil
}

func collectionTitle(ed spatlas.Edition, level string) string {
	names := map[string]string{
		spatlas.LevelLSOA:   "Lower layer super output areas",
		spatlas.LevelMSOA:   "Middle layer super output areas",
		spatlas.LevelLAD:    "Local authority districts",
		spatlas.LevelICB:    "Integrated care boards",
		spatlas.LevelRegion: "Regions",
	}
	n := names[level]
	if n == "" {
		n = level
	}
	return n + ", " + ed.ID
}

// Features returns one page of features of a collection.
func (s *Reader) Features(ctx context.Context, q spatlas.FeatureQuery) (spatlas.FeaturePage, error) {
	c := q.Collection
	if isProvision(c.ID) {
		return s.provisionFeatures(ctx, q)
	}
	var bbox [4]*float64
	if q.BBox != nil {
		for i := range bbox {
			bbox[i] = &q.BBox[i]
		}
	}
	filter, metricFilter, err := filterJSON(c, q.Filters)
	if err != nil {
		return spatlas.FeaturePage{}, err
	}
	var page spatlas.FeaturePage
	var loaded bool
	err = s.db.Pool().QueryRow(ctx, query("features"), pgx.NamedArgs{
		"edition": c.Edition.ID, "level": c.Level,
		"minx": bbox[0], "miny": bbox[1], "maxx": bbox[2], "maxy": bbox[3],
		"filter": filter, "metric_filter": metricFilter,
		"limit": q.Limit, "offset": q.Offset,
		"band": band(q.Zoom), "digits": decimals(q.Zoom),
		"keep": q.Properties, "metrics": wantsMetrics(q.Properties),
	}).Scan(&loaded, &page.NumberMatched, &page.NumberReturned, &page.Features)
	if err == nil && !loaded {
		return spatlas.FeaturePage{}, spatlas.Errorf(spatlas.ENOTFOUND, "no collection %q", c.ID)
	}
	return page, pgdb.AppError(err)
}

// Feature returns one feature of a collection.
func (s *Reader) Feature(ctx context.Context, c spatlas.Collection, id string, zoom *int, properties []string) ([]byte, error) {
	if isProvision(c.ID) {
		return s.provisionFeature(ctx, c, id, properties)
	}
	var loaded bool
	var b []byte
	err := s.db.Pool().QueryRow(ctx, query("feature"), c.Edition.ID, c.Level, id, band(zoom), decimals(zoom), properties).Scan(&loaded, &b)
	switch {
	case err != nil:
		return nil, pgdb.AppError(err)
	case !loaded:
		return nil, spatlas.Errorf(spatlas.ENOTFOUND, "no collection %q", c.ID)
	case b == nil:
		return nil, spatlas.Errorf(spatlas.ENOTFOUND, "no feature %q in collection %q", id, c.ID)
	}
	return b, nil
}

// wantsMetrics reports whether a property selection (nil: all) includes any metric.
func wantsMetrics(properties []string) bool {
	if properties == nil {
		return true
	}
	for _, p := range properties {
		if spatlas.IsMetricProperty(p) {
			return true
		}
	}
	return false
}

// filterJSON turns equality filters into JSON objects for jsonb containment, typed as the
// properties are stored so that imd_decile=1 matches the number 1: one for the area's own
// properties, one for its metrics. The filters arrive checked against the collection (each names
// a queryable property, its value of the property's type), so they are only converted here.
func filterJSON(c spatlas.Collection, fs []spatlas.Filter) (own, metrics []byte, err error) {
	if len(fs) == 0 {
		return nil, nil, nil
	}
	m := make(map[string]any, len(fs))
	mm := make(map[string]any)
	seen := make(map[string]string, len(fs))
	for _, f := range fs {
		p, _ := c.Property(f.Property)
		if prev, dup := seen[f.Property]; dup && prev != f.Value {
			return []byte(`{"__no_property__":true}`), nil, nil // two values for one property match nothing
		}
		seen[f.Property] = f.Value
		dst := m
		if spatlas.IsMetricProperty(f.Property) {
			dst = mm
		}
		switch p.Type {
		case spatlas.TypeInteger, spatlas.TypeNumber:
			v, err := strconv.ParseFloat(f.Value, 64)
			if err != nil {
				return nil, nil, spatlas.Errorf(spatlas.EINVALID, "%s=%q: want a number", f.Property, f.Value)
			}
			dst[f.Property] = v
		case spatlas.TypeBoolean:
			v, err := strconv.ParseBool(f.Value)
			if err != nil {
				return nil, nil, spatlas.Errorf(spatlas.EINVALID, "%s=%q: want true or false", f.Property, f.Value)
			}
			dst[f.Property] = v
		default:
			dst[f.Property] = f.Value
		}
	}
	if len(m) > 0 {
		if own, err = json.Marshal(m); err != nil {
			return nil, nil, err
		}
	}
	if len(mm) > 0 {
		if metrics, err = json.Marshal(mm); err != nil {
			return nil, nil, err
		}
	}
	return own, metrics, nil
}
