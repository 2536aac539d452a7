package linkworkers

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/textio"
)

// Dataset folders of the national link worker layer in the data directory.
const (
	DatasetWorkforce = "pcn-workforce"
	DatasetPCNMap    = "gp-practice-pcn-map"
	DatasetLocations = "gp-practices-nhs-choices-2014"
)

// The STAFF_ROLE values of social prescribing link workers in the PCN workforce files.
const (
	RoleLinkWorker   = "Social Prescribing Link Workers"
	RoleLinkWorkerMH = "Social Prescribing Link Workers (Mental Health Practitioners)"
)

// PCNWorkforce is the social prescribing link worker workforce of one PCN.
type PCNWorkforce struct {
	Code      string
	Name      string
	FTE       float64 // the sum of the FTE of the PCN's link worker rows
	Headcount int     // distinct UNIQUE_IDENTIFIER values among those rows
	Rows      int     // link worker rows
	Line      int     // the line of the PCN's first link worker row
}

// ReadWorkforce reads the individual-level PCN workforce file (NHS England, "Primary Care
// Network Workforce", Individual Level CSV) and returns the link worker workforce of every PCN
// that has any: rows whose STAFF_ROLE is RoleLinkWorker or RoleLinkWorkerMH (after trimming,
// case folded). A person can have several rows (several roles or contracts): their FTE adds up,
// and the headcount counts each UNIQUE_IDENTIFIER once per PCN. rowsRead counts every data row of
// the file. The FTE of a link worker row must be a number >= 0; other rows' FTE is not read. A
// bad value is an error naming the file and line.
func ReadWorkforce(name string, r io.Reader) (wf map[string]PCNWorkforce, rowsRead int, err error) {
	c, err := textio.NewCSVReader(name, r)
	if err != nil {
		return nil, 0, err
	}
	idx, err := c.Columns("PCN_CODE", "PCN_NAME", "STAFF_ROLE", "FTE", "UNIQUE_IDENTIFIER")
	if err != nil {
		return nil, 0, err
	}
	iCode, iName, iRole, iFTE, iID := idx[0], idx[1], idx[2], idx[3], idx[4]
	wf = make(map[string]PCNWorkforce)
	people := make(map[[2]string]bool) // PCN code, UNIQUE_IDENTIFIER
	for {
		more, err := c.Next()
		if err != nil {
			return nil, rowsRead, err
		}
		if !more {
			break
		}
		rec := c.Record()
		if textio.BlankRecord(rec) {
			continue
		}
		rowsRead++
		if !isLinkWorkerRole(rec[iRole]) {
			continue
		}
		code := strings.ToUpper(strings.TrimSpace(rec[iCode]))
		if code == "" {
			return nil, rowsRead, c.Errorf("PCN_CODE is empty on a link worker row")
		}
		fte, ok, err := c.Float(iFTE)
		switch {
		case err != nil:
			return nil, rowsRead, err
		case !ok:
			return nil, rowsRead, c.Errorf("FTE is empty on a link worker row")
		case fte < 0:
			return nil, rowsRead, c.Errorf("FTE %s is negative", strings.TrimSpace(rec[iFTE]))
		}
		p, seen := wf[code]
		if !seen {
			p = PCNWorkforce{Code: code, Name: strings.Clone(strings.TrimSpace(rec[iName])), Line: c.Line()}
		}
		p.FTE += fte
		p.Rows++
		if id := strings.TrimSpace(rec[iID]); id != "" && !people[[2]string{code, id}] {
			people[[2]string{code, strings.Clone(id)}] = true
			p.Headcount++
		}
		wf[code] = p
	}
	return wf, rowsRead, nil
}

func isLinkWorkerRole(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, RoleLinkWorker) || strings.EqualFold(s, RoleLinkWorkerMH)
}

// PlacePCNLinkWorkers places each PCN's link worker FTE at its member practices, as services
// with ProviderType "pcn", one per member practice that can be located, each with an equal share
// of the PCN's FTE (list sizes are not used).
//
// A practice is placed from the newest source that has it (see PracticeSources.locate): its
// postcode in the ODS epraccur file through the postcode lookup, else its site in the NHS
// Choices files of 2014, else the practice map's postcode through the lookup. Each service's
// LocatedBy names the file that placed it. Coordinates that spatlas.CheckLonLat refuses make the
// practice Rejected, with the reason; a practice no source places is Unlocated, with what was
// tried. Either way it gets no share. Service names are the practice names as the map publishes
// them (upper case), and the postcode is the map's current one. The import's and the services'
// File is left for the caller to set (LoadNational sets it).
//
// The rows of the import (RowsRead, and Row in each service and issue, numbered in PCN code then
// practice code order) are: one per member practice of each PCN with link workers, ending as a
// service, rejected or unlocated; and one more per such PCN whose FTE could not be placed at all,
// because it has no practice in the map or none of its practices could be located, which is
// Unlocated with the PCN code as ID and the FTE in the reason. Practices of PCNs without link
// workers are not rows; the Totals count them:
//
//   - fte_read, fte_placed, fte_unplaced: fte_read = fte_placed + fte_unplaced
//   - link_worker_rows, link_worker_headcount (summed over PCNs)
//   - pcns_with_link_workers, pcns_without_link_workers (in the map with no link worker rows),
//     pcns_not_in_practice_map, pcns_unplaced (FTE not placed), pcns_in_practice_map
//   - practices (in the map), practices_located, practices_rejected, practices_unlocated (over the
//     whole map), practices_located_by_ods (epraccur), practices_located_by_file (NHS Choices
//     2014), practices_located_by_postcode (the map's postcode)
//   - practices_in_link_worker_pcns (member practices of PCNs with link workers, rows of the import)
func PlacePCNLinkWorkers(dataset string, wf map[string]PCNWorkforce, practices []Practice, src PracticeSources) *spatlas.Import {
	im := &spatlas.Import{Dataset: dataset, Totals: make(map[string]float64), Services: make([]spatlas.Service, 0, len(practices))}
	members := make(map[string][]*Practice) // by PCN code, in practice code order
	for i := range practices {
		if p := &practices[i]; p.PCNCode != "" {
			members[p.PCNCode] = append(members[p.PCNCode], p)
		}
	}
	for _, ps := range members {
		slices.SortFunc(ps, func(a, b *Practice) int { return strings.Compare(a.Code, b.Code) })
	}
	where := src.locateAll(im, practices)
	im.Totals["practices"] = float64(len(practices))
	im.Totals["pcns_in_practice_map"] = float64(len(members))
	for code := range members {
		if _, ok := wf[code]; !ok {
			im.Totals["pcns_without_link_workers"]++
		}
	}

	codes := make([]string, 0, len(wf))
	for code := range wf {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var fteRead, ftePlaced, fteUnplaced float64
	for _, code := range codes {
		w := wf[code]
		fteRead += w.FTE
		im.Totals["link_worker_rows"] += float64(w.Rows)
		im.Totals["link_worker_headcount"] += float64(w.Headcount)
		fteUnplaced += placePCN(im, code, w, members[code], where, &ftePlaced)
	}
	im.Totals["pcns_with_link_workers"] = float64(len(wf))
	im.Totals["fte_read"] = fteRead
	im.Totals["fte_placed"] = ftePlaced
	im.Totals["fte_unplaced"] = fteUnplaced
	return im
}

// placePCN files the rows of one PCN with link workers: one per member practice ps, and one
// more when its FTE cannot be placed at all. It adds each share placed to *placed, in practice
// order, and returns the FTE not placed.
func placePCN(im *spatlas.Import, code string, w PCNWorkforce, ps []*Practice, where map[string]practicePlace, placed *float64) (unplaced float64) {
	if len(ps) == 0 {
		im.RowsRead++
		im.Unlocated = append(im.Unlocated, spatlas.RowIssue{Row: im.RowsRead, ID: code, Name: w.Name,
			Reason: fmt.Sprintf("PCN %s is not in the practice map: %s link worker FTE not placed", code, fmtFTE(w.FTE))})
		im.Totals["pcns_not_in_practice_map"]++
		return w.FTE
	}
	im.Totals["practices_in_link_worker_pcns"] += float64(len(ps))
	located := 0
	for _, p := range ps {
		if pl := where[p.Code]; pl.issue == "" {
			located++
		}
	}
	for _, p := range ps {
		im.RowsRead++
		pl := where[p.Code]
		issue := spatlas.RowIssue{Row: im.RowsRead, ID: p.Code, Name: p.Name, Postcode: p.Postcode, Reason: pl.issue}
		switch {
		case pl.rejected:
			im.Rejected = append(im.Rejected, issue)
			continue
		case pl.issue != "":
			im.Unlocated = append(im.Unlocated, issue)
			continue
		}
		share := w.FTE / float64(located)
		*placed += share
		im.Services = append(im.Services, spatlas.Service{
			Dataset: im.Dataset, SourceID: p.Code, Row: im.RowsRead, Name: p.Name, ProviderType: spatlas.ProviderPCN,
			PCNCode: code, PCNName: w.Name, PracticeCode: p.Code, FTE: share, Postcode: p.Postcode,
			Loc: spatlas.Location{X: pl.lon, Y: pl.lat, SRID: spatlas.SRIDWGS84}, LocatedBy: pl.by,
		})
	}
	if located == 0 {
		im.RowsRead++
		im.Unlocated = append(im.Unlocated, spatlas.RowIssue{Row: im.RowsRead, ID: code, Name: w.Name,
			Reason: fmt.Sprintf("none of PCN %s's %d member practices could be located: %s link worker FTE not placed",
				code, len(ps), fmtFTE(w.FTE))})
		im.Totals["pcns_unplaced"]++
		return w.FTE
	}
	return 0
}

// fmtFTE writes an FTE with up to four decimals, as the workforce file's smallest values need.
func fmtFTE(f float64) string {
	s := strings.TrimRight(fmt.Sprintf("%.4f", f), "0")
	return strings.TrimSuffix(s, ".")
}
