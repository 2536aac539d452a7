package server

import (
	"net/http"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// handleLoadReports serves the latest load report of every provision file, so that every row
// read can be accounted for: loaded, rejected, unlocated or excluded, each with its rows and
// reasons. ?dataset= keeps one dataset's files.
func handleLoadReports(svc spatlas.ProvisionService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseLoadReports(r.URL.RawQuery)
		if err != nil {
			return err
		}
		reps, err := svc.ProvisionReports(r.Context())
		if err != nil {
			return err
		}
		out := make([]spatlas.ProvisionReport, 0, len(reps))
		for _, rep := range reps {
			if ds := q.Get("dataset"); ds == "" || rep.Dataset == ds {
				out = append(out, rep)
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, out)
		return nil
	}
}

// handleCategories serves the asset taxonomy with the number of assets in each category.
func handleCategories(svc spatlas.ProvisionService) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery); err != nil {
			return err
		}
		cs, err := svc.Categories(r.Context())
		if err != nil {
			return err
		}
		if cs == nil {
			cs = []spatlas.CategoryCount{}
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSONStatus(w, http.StatusOK, cs)
		return nil
	}
}
