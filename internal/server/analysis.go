package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// analysisRoutes mounts the endpoints for commissioners, researchers and planners under /api.
func analysisRoutes(r chi.Router, svc spatlas.AnalysisService, downloads *slots, h func(handlerFunc) http.Handler) {
	r.Method(http.MethodGet, "/areas/{code}", h(handleAreaProfile(svc)))
	r.Method(http.MethodGet, "/underserved", h(handleUnderserved(svc)))
	r.Method(http.MethodGet, "/inequality", h(handleInequality(svc)))
	r.Method(http.MethodGet, "/download/{edition}/{file}", h(handleDownload(svc, downloads)))
	r.Method(http.MethodGet, "/dictionary", h(handleDictionary(svc)))
	r.Method(http.MethodGet, "/datasets", h(handleDatasets(svc)))
}

// handleAreaProfile serves an area's profile: its need, provision and gap, where it stands in
// England and in its LAD and ICB beside their values, and the nearest provision.
func handleAreaProfile(svc app.ProfileStore) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ed, code, err := parseAreaProfile(r.URL.RawQuery, chi.URLParam(r, "code"))
		if err != nil {
			return err
		}
		p, err := app.Profile(r.Context(), svc, ed, code)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, p)
		return nil
	}
}

// handleUnderserved ranks the underserved LSOAs of an area. The thresholds default to the
// build's and are echoed.
func handleUnderserved(svc app.UnderservedStore) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		req, err := parseUnderserved(r.URL.RawQuery)
		if err != nil {
			return err
		}
		rep, err := app.Underserved(r.Context(), svc, req)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, struct {
			Edition string              `json:"edition"`
			Params  spatlas.BuildParams `json:"params"`
			BuiltAt time.Time           `json:"built_at"`
			spatlas.UnderservedResult
		}{rep.Edition, rep.Params, rep.Build.BuiltAt, rep.Results})
		return nil
	}
}

// handleInequality serves how a metric is distributed across the deprivation gradient in an
// area: means by decile, quintile ratio and difference, SII and RII with confidence intervals,
// and the concentration index. format=csv gives the same as a tidy table.
func handleInequality(svc app.InequalityStore) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		req, format, err := parseInequality(r.URL.RawQuery)
		if err != nil {
			return err
		}
		rep, err := app.Inequality(r.Context(), svc, req)
		if err != nil {
			return err
		}
		out := toInequalityJSON(rep)
		w.Header().Set("Cache-Control", "no-cache")
		if format == "csv" {
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="inequality-%s-%s-%s.csv"`, out.Edition, out.Metric, out.Area.Code))
			writeBytes(w, http.StatusOK, "text/csv; charset=utf-8", inequalityCSV(out))
			return nil
		}
		writeJSONStatus(w, http.StatusOK, out)
		return nil
	}
}

// handleDownload serves every area of a level with every metric as a column, as CSV or
// GeoJSON; the edition, build time and parameters come in headers and, in GeoJSON, in the
// collection's top-level properties. The file is spooled (spool.go) before it is sent, so the
// query has ended and its connection is back in the pool however slowly the client reads; at
// most as many downloads as downloads has slots are prepared or sent at once, so that large
// files neither take the whole pool nor fill the disk.
func handleDownload(svc app.DownloadStore, downloads *slots) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseDownload(r.URL.RawQuery, chi.URLParam(r, "edition"), chi.URLParam(r, "file"))
		if err != nil {
			return err
		}
		release, err := downloads.acquire(r.Context())
		if err != nil {
			return err
		}
		defer release()
		d, err := app.PrepareDownload(r.Context(), svc, q)
		if err != nil {
			return err
		}
		var sp spool
		defer sp.Close()
		// An error (an unknown area, a database error) goes out as JSON, not as the file.
		if err := d.Write(r.Context(), &sp); err != nil {
			return err
		}
		h := w.Header()
		h.Set("Spatlas-Edition", q.Edition)
		if b := d.Query.Build; b != nil {
			params, _ := json.Marshal(b.Params)
			h.Set("Spatlas-Built-At", b.BuiltAt.UTC().Format(time.RFC3339))
			h.Set("Spatlas-Build-Params", string(params))
		}
		if q.Format == "csv" {
			h.Set("Content-Type", "text/csv; charset=utf-8")
		} else {
			h.Set("Content-Type", mediaGeoJSON)
		}
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.Name))
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Length", strconv.FormatInt(sp.Len(), 10))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = sp.WriteTo(w)
		}
		return nil
	}
}

// handleDictionary serves the definition, unit, sources and METHODS.md section of every column.
func handleDictionary(svc spatlas.AnalysisService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		bs, err := svc.Builds(r.Context())
		if err != nil {
			return err
		}
		var cats []string
		for _, b := range bs {
			if len(b.Categories) > len(cats) {
				cats = b.Categories
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, map[string]any{
			"methods": "METHODS.md of spatlas: every figure is defined there, by section",
			"sources": map[string]string{
				spatlas.SourceDeprivation: "the edition's deprivation files (see /api/datasets, kind edition)",
				spatlas.SourceBoundaries:  "the edition's LSOA boundaries and population-weighted centroids",
				spatlas.SourcePopulation:  "the edition's population denominators",
				spatlas.SourceLookups:     "ONS geography lookups (LSOA to MSOA, LAD, ICB, region)",
				spatlas.SourceAssets:      "community asset files (see /api/datasets, kind assets)",
				spatlas.SourceServices:    "link worker service files (see /api/datasets, kind services)",
			},
			"inequality": inequalityPrecisionNote,
			"columns":    spatlas.Dictionary(cats),
		})
		return nil
	}
}

// handleDatasets lists the loaded datasets with their provenance and each edition's build.
func handleDatasets(svc spatlas.AnalysisService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		ds, err := svc.Datasets(r.Context())
		if err != nil {
			return err
		}
		bs, err := svc.Builds(r.Context())
		if err != nil {
			return err
		}
		if ds == nil {
			ds = []spatlas.Dataset{}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, map[string]any{"datasets": ds, "builds": bs})
		return nil
	}
}
