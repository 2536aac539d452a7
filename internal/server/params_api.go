package server

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// maxCodeLen is the longest area code accepted; longer ones name no area.
const maxCodeLen = 32

// editionParam returns the edition named by ?edition=, by default the newest.
func editionParam(q map[string][]string) (string, error) {
	eds := spatlas.Editions()
	v := ""
	if x, ok := q["edition"]; ok {
		v = x[0]
	}
	if v == "" {
		return eds[len(eds)-1].ID, nil
	}
	ed, err := spatlas.EditionByID(clip(v))
	return ed.ID, err
}

// isCode reports whether s can be an area code: text the database can hold, not too long.
func isCode(s string) bool { return validText(s) && len(s) <= maxCodeLen }

// parseAreaProfile checks the request for an area's profile; a code that cannot be one is
// ENOTFOUND.
func parseAreaProfile(raw, code string) (edition string, _ string, err error) {
	q, err := parseOnly(raw, "edition", "f")
	if err != nil {
		return "", "", err
	}
	if edition, err = editionParam(q); err != nil {
		return "", "", err
	}
	if !isCode(code) {
		return "", "", spatlas.Errorf(spatlas.ENOTFOUND, "no area %q in %s", clip(code), edition)
	}
	return edition, code, nil
}

// parseUnderserved checks the parameters of the underserved ranking.
func parseUnderserved(raw string) (app.UnderservedRequest, error) {
	q, err := parseOnly(raw, "edition", "area", "limit", "max_decile", "max_provision_pct", "f")
	if err != nil {
		return app.UnderservedRequest{}, err
	}
	req := app.UnderservedRequest{Area: q.Get("area"), Limit: 100}
	if req.Edition, err = editionParam(q); err != nil {
		return req, err
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return req, spatlas.Errorf(spatlas.EINVALID, "limit=%q: want a whole number from 1 to 10000", clip(v))
		}
		req.Limit = n
	}
	if v := q.Get("max_decile"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			return req, spatlas.Errorf(spatlas.EINVALID, "max_decile=%q: want a whole number from 1 to 10", clip(v))
		}
		req.MaxDecile = &n
	}
	if v := q.Get("max_provision_pct"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x >= 0 && x <= 1) {
			return req, spatlas.Errorf(spatlas.EINVALID, "max_provision_pct=%q: want a number from 0 to 1", clip(v))
		}
		req.MaxPct = &x
	}
	return req, nil
}

// parseInequality checks the parameters of an inequality request. The metric is checked against
// the edition's dictionary by the use case, which knows the edition's categories.
func parseInequality(raw string) (req app.InequalityRequest, format string, err error) {
	q, err := parseOnly(raw, "edition", "metric", "area", "format", "f")
	if err != nil {
		return req, "", err
	}
	if req.Edition, err = editionParam(q); err != nil {
		return req, "", err
	}
	format = q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return req, "", spatlas.Errorf(spatlas.EINVALID, "format=%q: want json or csv", clip(format))
	}
	req.Metric, req.Area = q.Get("metric"), q.Get("area")
	return req, format, nil
}

// parseDownload checks a download's edition and file ({level}.csv or {level}.geojson) from its
// path and the area of its query; an unknown edition or file is ENOTFOUND.
func parseDownload(raw, edition, file string) (spatlas.DownloadQuery, error) {
	q, err := parseOnly(raw, "area")
	if err != nil {
		return spatlas.DownloadQuery{}, err
	}
	ed, err := spatlas.EditionByID(clip(edition))
	if err != nil {
		return spatlas.DownloadQuery{}, spatlas.Errorf(spatlas.ENOTFOUND, "%s", spatlas.ErrorMessage(err))
	}
	level, format, _ := strings.Cut(file, ".")
	if !slices.Contains(spatlas.Levels(), level) || (format != "csv" && format != "geojson") {
		return spatlas.DownloadQuery{}, spatlas.Errorf(spatlas.ENOTFOUND, "no download %q: want {level}.csv or {level}.geojson, level one of %s", clip(file), strings.Join(spatlas.Levels(), ", "))
	}
	area := q.Get("area")
	if !isCode(area) {
		return spatlas.DownloadQuery{}, spatlas.Errorf(spatlas.EINVALID, "area=%q is not an area code", clip(area))
	}
	return spatlas.DownloadQuery{Edition: ed.ID, Level: level, Area: area, Format: format}, nil
}

// maxDatasetLen is the longest dataset name accepted by ?dataset=.
const maxDatasetLen = 200

// parseLoadReports checks the query of /api/load-reports: at most a dataset name, text the
// database could hold.
func parseLoadReports(raw string) (url.Values, error) {
	q, err := parseOnly(raw, "dataset")
	if err != nil {
		return nil, err
	}
	if ds := q.Get("dataset"); !validText(ds) || len(ds) > maxDatasetLen {
		return nil, spatlas.Errorf(spatlas.EINVALID, "dataset=%q is not a dataset name", clip(ds))
	}
	return q, nil
}
