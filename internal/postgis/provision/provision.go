package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// LoadImport replaces what an earlier load of the same dataset and file stored with im, in one
// transaction: assets are placed, grouped with same-named assets within 50 m (of this file and
// of others) and joined to their LSOAs in both editions; services likewise, without grouping.
// If it fails, or the process dies, the previous data stays.
func (s *Importer) LoadImport(ctx context.Context, im *spatlas.Import) (*spatlas.ProvisionReport, error) {
	kind := im.Kind
	switch {
	case kind == "" && len(im.Services) > 0:
		kind = spatlas.KindServices
	case kind == "":
		kind = spatlas.KindAssets
	}
	if (kind == spatlas.KindAssets && len(im.Services) > 0) || (kind == spatlas.KindServices && len(im.Assets) > 0) {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s/%s: a file holds assets or services, not both", im.Dataset, im.File)
	}
	for _, a := range im.Assets {
		if a.Category == "" {
			return nil, spatlas.Errorf(spatlas.EINTERNAL, "%s/%s: row %d has no category", im.Dataset, im.File, a.Row)
		}
	}
	rep := &spatlas.ProvisionReport{
		Dataset:   im.Dataset,
		File:      im.File,
		Kind:      kind,
		SHA256:    im.Source.SHA256,
		RowsRead:  im.RowsRead,
		Loaded:    len(im.Assets) + len(im.Services),
		Rejected:  issues(im.Rejected),
		Unlocated: issues(im.Unlocated),
		Excluded:  issues(im.Excluded),
		Totals:    im.Totals,
	}
	if n := rep.Loaded + rep.Rejected.Count + rep.Unlocated.Count + rep.Excluded.Count; n != rep.RowsRead {
		return nil, spatlas.Errorf(spatlas.EINTERNAL, "%s/%s: %d rows read but %d accounted for (loaded, rejected, unlocated, excluded)",
			im.Dataset, im.File, rep.RowsRead, n)
	}
	ed11, ed21 := editionOfVintage(2011), editionOfVintage(2021)
	err := pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		if err := pgdb.ExecAll(ctx, tx, pgdb.NoTimeout()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("lock")); err != nil {
			return fmt.Errorf("wait for other provision loads: %w", err)
		}
		var fileID int
		var gen int64
		if err := tx.QueryRow(ctx, query("upsert_file"), im.Dataset, im.File, kind,
			pgdb.Nullable(im.Key), pgdb.Nullable(im.Source.SHA256), im.Source.Bytes).Scan(&fileID, &gen); err != nil {
			return err
		}
		if err := pgdb.ExecAll(ctx, tx, stmt("delete_assets", fileID), stmt("delete_services", fileID)); err != nil {
			return err
		}
		var err error
		if kind == spatlas.KindAssets {
			err = s.loadAssets(ctx, tx, fileID, im.Assets, ed11, ed21, rep)
		} else {
			err = loadServices(ctx, tx, fileID, im.Services, ed11, ed21, rep)
		}
		if err != nil {
			return err
		}
		rep.LoadedAt = time.Now().UTC().Truncate(time.Second)
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, query("set_report"), fileID, b)
		return err
	})
	if err != nil {
		return nil, pgdb.AppError(fmt.Errorf("load %s/%s: %w", im.Dataset, im.File, err))
	}
	return rep, nil
}

// issues turns rows into a report's list; the list is never null in JSON.
func issues(rows []spatlas.RowIssue) spatlas.Issues {
	if rows == nil {
		rows = []spatlas.RowIssue{}
	}
	return spatlas.Issues{Count: len(rows), Rows: rows}
}

// editionOfVintage returns the id of the edition published on the LSOAs of a census year.
func editionOfVintage(year int) string {
	for _, ed := range spatlas.Editions() {
		if ed.LSOAVintage == year {
			return ed.ID
		}
	}
	return ""
}

var stageAssetColumns = []string{"ord", "row_no", "source_id", "name", "name_key", "dup", "category", "address", "postcode", "url", "x", "y", "srid", "area"}

func (s *Importer) loadAssets(ctx context.Context, tx pgx.Tx, fileID int, assets []spatlas.Asset, ed11, ed21 string, rep *spatlas.ProvisionReport) error {
	if _, err := tx.Exec(ctx, query("stage_asset")); err != nil {
		return err
	}
	t := time.Now()
	step := func(name string) {
		s.db.Logger().Debug("provision load step", "file", rep.File, "step", name, "duration", time.Since(t))
		t = time.Now()
	}
	// Names that occur more than once are the only ones the database needs to group.
	keys := make([]string, len(assets))
	seen := make(map[string]int, len(assets))
	for i := range assets {
		if keys[i] = NameKey(assets[i].Name); keys[i] != "" {
			seen[keys[i]]++
		}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"provision_stage_asset"}, stageAssetColumns,
		pgx.CopyFromSlice(len(assets), func(i int) ([]any, error) {
			a := &assets[i]
			return []any{int32(i), int32(a.Row), pgdb.Nullable(a.SourceID), a.Name, pgdb.Nullable(keys[i]), seen[keys[i]] > 1, a.Category,
				pgdb.Nullable(a.Address), pgdb.Nullable(a.Postcode), pgdb.Nullable(a.URL), a.Loc.X, a.Loc.Y, int32(a.Loc.SRID), a.Loc.Area}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy assets: %w", err)
	}
	var base int64
	if err := tx.QueryRow(ctx, query("reserve_ids"), int64(max(len(assets), 1))).Scan(&base); err != nil {
		return fmt.Errorf("reserve asset ids: %w", err)
	}
	if _, err := tx.Exec(ctx, query("place_assets"), base); err != nil {
		return fmt.Errorf("place assets: %w", err)
	}
	step("copy")
	for _, st := range []pgdb.Stmt{
		pgdb.WorkMem(), stmt("group_assets"), stmt("match_assets"), stmt("follow_leaders"),
		stmt("new_points"), pgdb.GistIndex("provision_new_points", "geom"), pgdb.Analyze("provision_new_points"),
	} {
		if err := pgdb.ExecAll(ctx, tx, st); err != nil {
			return err
		}
		step(st.Name)
	}
	if _, err := tx.Exec(ctx, query("join_lsoa"), ed11, ed21); err != nil {
		return fmt.Errorf("join LSOAs: %w", err)
	}
	step("prov_join_lsoa")
	if _, err := tx.Exec(ctx, query("insert_assets")); err != nil {
		return fmt.Errorf("insert assets: %w", err)
	}
	step("prov_insert_assets")
	if _, err := tx.Exec(ctx, query("insert_asset_sources"), fileID); err != nil {
		return fmt.Errorf("insert asset sources: %w", err)
	}
	step("prov_insert_asset_sources")
	err = tx.QueryRow(ctx, query("asset_counts")).Scan(&rep.Merged, &rep.NoLSOA)
	step("prov_asset_counts")
	return err
}

var stageServiceColumns = []string{"row_no", "source_id", "name", "provider_type", "pcn_code", "pcn_name", "practice_code",
	"fte", "caseload", "address", "postcode", "url", "x", "y", "srid", "catchment", "located_by"}

func loadServices(ctx context.Context, tx pgx.Tx, fileID int, services []spatlas.Service, ed11, ed21 string, rep *spatlas.ProvisionReport) error {
	if _, err := tx.Exec(ctx, query("stage_service")); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_service"}, stageServiceColumns,
		pgx.CopyFromSlice(len(services), func(i int) ([]any, error) {
			s := &services[i]
			return []any{int32(s.Row), pgdb.Nullable(s.SourceID), s.Name, s.ProviderType, pgdb.Nullable(s.PCNCode), pgdb.Nullable(s.PCNName),
				pgdb.Nullable(s.PracticeCode), s.FTE, s.Caseload, pgdb.Nullable(s.Address), pgdb.Nullable(s.Postcode), pgdb.Nullable(s.URL),
				s.Loc.X, s.Loc.Y, int32(s.Loc.SRID), s.Catchment, pgdb.Nullable(s.LocatedBy)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy services: %w", err)
	}
	if _, err := tx.Exec(ctx, query("insert_services"), fileID, ed11, ed21); err != nil {
		return fmt.Errorf("insert services: %w", err)
	}
	return tx.QueryRow(ctx, query("service_counts"), fileID).Scan(&rep.NoLSOA)
}

// ProvisionReports returns the latest report of every provision file, by dataset and file.
func (s *Importer) ProvisionReports(ctx context.Context) ([]spatlas.ProvisionReport, error) {
	rows, err := s.db.Pool().Query(ctx, query("reports"))
	if err != nil {
		return nil, pgdb.AppError(err)
	}
	reps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (spatlas.ProvisionReport, error) {
		var rep spatlas.ProvisionReport
		err := r.Scan(&rep)
		return rep, err
	})
	return reps, pgdb.AppError(err)
}

// ProvisionKey returns the input key recorded at the last load of a provision file, or "".
func (s *Importer) ProvisionKey(ctx context.Context, dataset, file string) (string, error) {
	var key *string
	err := s.db.Pool().QueryRow(ctx, query("file_key"), dataset, file).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && key == nil) {
		return "", nil
	}
	if err != nil {
		return "", pgdb.AppError(err)
	}
	return *key, nil
}

// NameKey normalises an asset name for finding duplicates: case folded, "&" read as "and",
// punctuation dropped, white space collapsed, a leading "the" and a trailing "library" dropped
// (the national list names libraries by their place, "Sale", where local lists say "Sale
// Library"). Names that normalise to nothing ("", "-", "Unknown") give "", which never matches.
func NameKey(name string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '&':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			space = true
		case r == '\'' || r == '\u2019':
			// St Mary's and St Marys are one name
		default:
			space = true
		}
	}
	k := strings.TrimPrefix(b.String(), "the ")
	k = strings.TrimSuffix(k, " library")
	if k == "unknown" || k == "unnamed" || k == "library" {
		return ""
	}
	return k
}

// EditionsKey names the loaded editions and their generations; it changes when an edition is
// loaded, so that provision files are joined again to the new LSOAs.
func (s *Importer) EditionsKey(ctx context.Context) (string, error) {
	var k string
	err := s.db.Pool().QueryRow(ctx, query("editions_key")).Scan(&k)
	return k, pgdb.AppError(err)
}

// SetCategories records the taxonomy's categories, in display order.
func (s *Importer) SetCategories(ctx context.Context, cs []spatlas.CategoryCount) error {
	return pgx.BeginFunc(ctx, s.db.Pool(), func(tx pgx.Tx) error {
		for i, c := range cs {
			if _, err := tx.Exec(ctx, query("upsert_category"), c.ID, c.Label, c.Group, c.GroupLabel, c.Colour, i); err != nil {
				return pgdb.AppError(err)
			}
		}
		return nil
	})
}
