package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// loadProvision loads the provision files of the data directory that changed, and prints what
// each load did.
func loadProvision(ctx context.Context, e env, db *postgis.DB, dataDir, postcodes string, force bool) error {
	p, err := app.NewProvision(ctx, db, dataDir, postcodes, e.logger)
	if err != nil {
		return err
	}
	reps, err := app.LoadProvision(ctx, db, dataDir, p, force, e.logger)
	for _, rep := range reps {
		printProvisionReport(e.stdout, rep)
	}
	if err != nil {
		return fmt.Errorf("load provision: %w", err)
	}
	if len(reps) == 0 {
		fmt.Fprintln(e.stdout, "provision: unchanged since the last load, skipped")
	}
	return nil
}

// printProvisionReport prints one file's load report: its counts, then the reasons rows were
// not loaded, the commonest first.
func printProvisionReport(w io.Writer, r *spatlas.ProvisionReport) {
	fmt.Fprintf(w, "%s/%s (%s): %d rows read: %d loaded", r.Dataset, r.File, r.Kind, r.RowsRead, r.Loaded)
	if r.Merged > 0 {
		fmt.Fprintf(w, " (%d merged with assets already loaded)", r.Merged)
	}
	fmt.Fprintf(w, ", %d rejected, %d unlocated, %d excluded", r.Rejected.Count, r.Unlocated.Count, r.Excluded.Count)
	if r.NoLSOA > 0 {
		fmt.Fprintf(w, "; %d loaded outside every LSOA", r.NoLSOA)
	}
	fmt.Fprintln(w)
	if v, ok := r.Totals["fte_read"]; ok {
		fmt.Fprintf(w, "  link worker FTE: %.2f read, %.2f placed, %.2f not placed\n", v, r.Totals["fte_placed"], r.Totals["fte_unplaced"])
	}
	for _, l := range []struct {
		name string
		is   spatlas.Issues
	}{{"rejected", r.Rejected}, {"unlocated", r.Unlocated}, {"excluded", r.Excluded}} {
		groups := reasonGroups(l.is.Rows)
		for i, rc := range groups {
			if i == maxReasonGroups && len(groups) > maxReasonGroups+1 {
				n := 0
				for _, g := range groups[i:] {
					n += g.n
				}
				fmt.Fprintf(w, "  %s: and %d more groups (%d rows); -json lists every row\n", l.name, len(groups)-i, n)
				break
			}
			fmt.Fprintf(w, "  %s %d× %s (e.g. %s)\n", l.name, rc.n, rc.reason, rc.example)
		}
		if missing := l.is.Count - len(l.is.Rows); missing > 0 {
			fmt.Fprintf(w, "  %s: %d more rows not listed in the report\n", l.name, missing)
		}
	}
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
}

// maxReasonGroups is how many reason groups of each kind a text report lists before summing up
// the rest.
const maxReasonGroups = 10

type reasonCount struct {
	reason, example string
	n               int
}

// reasonGroups counts the rows of each reason, the commonest first.
func reasonGroups(rows []spatlas.RowIssue) []reasonCount {
	idx := map[string]int{}
	var out []reasonCount
	for _, r := range rows {
		i, ok := idx[r.Reason]
		if !ok {
			i = len(out)
			idx[r.Reason] = i
			ex := r.ID
			if r.Row > 0 {
				ex = fmt.Sprintf("row %d", r.Row)
				if r.ID != "" {
					ex += " " + r.ID
				}
			}
			out = append(out, reasonCount{reason: r.Reason, example: ex})
		}
		out[i].n++
	}
	slices.SortStableFunc(out, func(a, b reasonCount) int { return cmp.Compare(b.n, a.n) })
	return out
}

// cmdReports prints the latest load report of every provision file.
func cmdReports(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("reports", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: spatlas reports [flags]\n\nPrints the latest load report of every provision file: rows read, loaded, rejected, unlocated\nand excluded, with the reasons (all of them with -json).\n\nflags:")
		fs.PrintDefaults()
	}
	dataset := fs.String("dataset", "", "only this dataset's files")
	asJSON := fs.Bool("json", false, "print the reports as JSON, every row listed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	reps, err := db.ProvisionReports(ctx)
	if err != nil {
		return err
	}
	reps = slices.DeleteFunc(reps, func(r spatlas.ProvisionReport) bool { return *dataset != "" && r.Dataset != *dataset })
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reps)
	}
	if len(reps) == 0 {
		fmt.Fprintln(e.stdout, "no provision loaded yet: run spatlas load")
	}
	for i := range reps {
		printProvisionReport(e.stdout, &reps[i])
	}
	return nil
}
