package reads

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// isProvision says whether a collection id names the assets or services collection.
func isProvision(id string) bool {
	return id == spatlas.CollectionAssets || id == spatlas.CollectionServices
}

// provisionCollections lists the assets and services collections that hold data.
func (s *Reader) provisionCollections(ctx context.Context) ([]spatlas.Collection, error) {
	rows, err := s.db.Pool().Query(ctx, query("provision_collections"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	type row struct {
		Kind                   string
		Count                  int64
		MinX, MinY, MaxX, MaxY *float64
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	cs := make([]spatlas.Collection, 0, len(rs))
	for _, r := range rs {
		c := spatlas.MustCollection(r.Kind)
		c.Count = r.Count
		if r.MinX != nil {
			c.BBox = [4]float64{*r.MinX, *r.MinY, *r.MaxX, *r.MaxY}
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// provisionFilter is the typed form of a provision collection's equality filters.
type provisionFilter struct {
	kinds                       []string // categories or provider types; nil for any
	lsoa11, lsoa21, lad, source *string
	pcn, practice               *string
}

// parseProvisionFilters types the filters of the assets or services collection. They arrive
// checked against the collection (each names a queryable property); provider types are checked
// here, where the list of them is known.
func parseProvisionFilters(fs []spatlas.Filter) (provisionFilter, error) {
	var f provisionFilter
	for _, x := range fs {
		v := x.Value
		switch x.Property {
		case "category", "provider_type":
			var list []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				if x.Property == "provider_type" && !slices.Contains(spatlas.ProviderTypes[:], s) {
					return f, spatlas.Errorf(spatlas.EINVALID, "provider_type=%q: want pcn, vcs, la or other (a comma-separated list for several)", s)
				}
				list = append(list, s)
			}
			if f.kinds != nil { // two filters on one property: rows must match both
				list = slices.DeleteFunc(list, func(s string) bool { return !slices.Contains(f.kinds, s) })
			}
			if list == nil {
				list = []string{}
			}
			f.kinds = list
		case "lsoa11_code":
			f.lsoa11 = &v
		case "lsoa21_code":
			f.lsoa21 = &v
		case "lad_code":
			f.lad = &v
		case "source":
			f.source = &v
		case "pcn_code":
			f.pcn = &v
		case "practice_code":
			f.practice = &v
		}
	}
	return f, nil
}

// provisionPage runs the features query of the assets or services collection.
func (s *Reader) provisionPage(ctx context.Context, c spatlas.Collection, bbox *[4]float64, f provisionFilter, id *int64,
	limit, offset int, properties []string) (spatlas.FeaturePage, error) {
	var b [4]*float64
	if bbox != nil {
		for i := range b {
			b[i] = &bbox[i]
		}
	}
	args := []any{b[0], b[1], b[2], b[3], f.kinds, f.lsoa11, f.lsoa21, f.lad, f.source, id, limit, offset, properties}
	q := query("asset_features")
	if c.ID == spatlas.CollectionServices {
		q = query("service_features")
		args = append(args, f.pcn, f.practice)
	}
	var page spatlas.FeaturePage
	err := s.db.Pool().QueryRow(ctx, q, args...).Scan(&page.NumberMatched, &page.NumberReturned, &page.Features)
	return page, pgdb.AppError(err)
}

// provisionFeatures serves a page of the assets or services collection.
func (s *Reader) provisionFeatures(ctx context.Context, q spatlas.FeatureQuery) (spatlas.FeaturePage, error) {
	c := q.Collection
	f, err := parseProvisionFilters(q.Filters)
	if err != nil {
		return spatlas.FeaturePage{}, err
	}
	return s.provisionPage(ctx, c, q.BBox, f, nil, q.Limit, q.Offset, q.Properties)
}

// provisionFeature serves one asset or service.
func (s *Reader) provisionFeature(ctx context.Context, c spatlas.Collection, id string, properties []string) ([]byte, error) {
	notFound := spatlas.Errorf(spatlas.ENOTFOUND, "no feature %q in collection %q", id, c.ID)
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, notFound
	}
	page, err := s.provisionPage(ctx, c, nil, provisionFilter{}, &n, 1, 0, properties)
	if err != nil {
		return nil, err
	}
	if page.NumberReturned == 0 {
		return nil, notFound
	}
	b := page.Features
	return b[1 : len(b)-1], nil // the one feature of the array
}

// Categories returns the taxonomy's categories with the number of assets in each.
func (s *Reader) Categories(ctx context.Context) ([]spatlas.CategoryCount, error) {
	rows, err := s.db.Pool().Query(ctx, query("categories"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[spatlas.CategoryCount])
	return cs, pgdb.AppError(err)
}
