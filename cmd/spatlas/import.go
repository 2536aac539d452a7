package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
)

const importUsage = `usage: spatlas import -dataset NAME [flags] FILE|URL

Loads one file of community assets or link worker services (or a live Open Referral UK API) in
one transaction, replacing what an earlier import of the same dataset and file stored, and prints
its report: every row read is loaded, rejected, unlocated or excluded, with the reason.

Formats: csv (any of , ; tab | ¬ separated, with a header line or -no-header; the NHS ODS
epraccur layout is recognised by itself), geojson (points; polygons are placed at a point on
their surface), osm (OpenStreetMap GeoJSON, categorised by tags), overpass (Overpass API JSON,
out center or out body; >; out skel), oruk (an Open Referral UK / HSDS 3 JSON file: a list, a
page or one service), oruk-api (the base URL of a live ORUK API, read page by page). auto tells
the format from the file's content (and a URL is a live ORUK API); -format names it when it
cannot. Text is read as UTF-8, UTF-16 or Windows-1252, told from the bytes (-encoding says
otherwise). Names, categories and addresses are found by common column or property names
(name, site_name, title, organisation_name, type, site_type, address, ...); -columns or
-mapping name others, for CSV columns and GeoJSON properties alike. OpenStreetMap roads,
rivers, railways, land use and boundaries are excluded as not places people go. Services files
(-kind services) are CSV or GeoJSON with name, provider_type (pcn, vcs, la, other), fte,
optional caseload, and coordinates, easting/northing or a postcode.

flags:`

func cmdImport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var req app.ImportRequest
	fs.StringVar(&req.Dataset, "dataset", "", "the dataset name the import is reported and filtered under (required)")
	fs.StringVar(&req.Kind, "kind", spatlas.KindAssets, "what the file holds: assets or services")
	fs.StringVar(&req.Format, "format", "auto", "input format: "+strings.Join(app.ImportFormats(spatlas.KindAssets), ", ")+
		" (services: "+strings.Join(app.ImportFormats(spatlas.KindServices), ", ")+")")
	mapping := fs.String("mapping", "", "a JSON mapping file naming CSV columns or GeoJSON properties (see README)")
	columns := fs.String("columns", "", "CSV columns or GeoJSON properties as field=name pairs, e.g. name=Site,lat=Y,lon=X,postcode=PC,category=Type; with -no-header, columns are numbers (name=2)")
	fs.StringVar(&req.Encoding, "encoding", "auto", "text encoding: auto (UTF-8, UTF-16 or Windows-1252, told from the bytes), utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin1")
	fs.StringVar(&req.Separator, "separator", "", "CSV field separator: , ; tab | or ¬ (default: told from the first lines)")
	fs.BoolVar(&req.NoHeader, "no-header", false, "CSV: the file has no header line; name columns by number in -columns (1 is the first)")
	fs.StringVar(&req.Category, "category", "", "a taxonomy category id for every asset of the file (see /api/categories)")
	postcodes := fs.String("postcodes", e.lookup("SPATLAS_POSTCODES", ""),
		"postcode lookup to place rows that have only a postcode: an ONS Postcode Directory, NSPL or OS Code-Point Open CSV (gzipped or not), a zip or a folder of them; default: the newest in the data directory's postcodes/ folder, else its newest codepoint-open-*/ folder (env SPATLAS_POSTCODES)")
	dataDir := fs.String("data", e.lookup("SPATLAS_DATA", defaultDataDir), "data directory of dataset folders, where the postcode lookup is looked for (env SPATLAS_DATA)")
	fs.StringVar(&req.ORUKPath, "oruk-path", "services", "oruk-api: the path of the services endpoint under the base URL")
	fs.BoolVar(&req.ORUKFull, "oruk-full", true, "oruk-api: fetch each service in full when the list lacks its locations")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, importUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return spatlas.Errorf(spatlas.EINVALID, "import: want one file or URL, got %d arguments (see spatlas import -h)", fs.NArg())
	}
	req.Source = fs.Arg(0)
	if err := req.Check(); err != nil {
		return err
	}
	var err error
	if req.Mapping, err = importMapping(*mapping, *columns); err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := app.NewProvision(ctx, db, *dataDir, *postcodes, e.logger)
	if err != nil {
		return err
	}
	rep, err := app.Import(ctx, db, p, req, e.logger)
	if err != nil {
		return err
	}
	printProvisionReport(e.stdout, rep)
	return nil
}

// importMapping builds a CSV column mapping from a mapping file and -columns pairs; the pairs
// override the file.
func importMapping(file, pairs string) (tabular.Mapping, error) {
	var m tabular.Mapping
	if file != "" {
		var err error
		if m, err = tabular.ReadMapping(file); err != nil {
			return m, err
		}
	}
	if pairs == "" {
		return m, nil
	}
	fields := map[string]*string{"id": &m.ID, "name": &m.Name, "category": &m.Category, "postcode": &m.Postcode,
		"url": &m.URL, "lon": &m.Lon, "lat": &m.Lat, "easting": &m.Easting, "northing": &m.Northing}
	for _, pair := range strings.Split(pairs, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "" || v == "":
			return m, spatlas.Errorf(spatlas.EINVALID, "-columns: %q is not field=column", pair)
		case k == "address":
			m.Address = append(m.Address, v)
		case k == "label":
			m.Labels = append(m.Labels, v)
		case fields[k] != nil:
			*fields[k] = v
		default:
			return m, spatlas.Errorf(spatlas.EINVALID,
				"-columns: unknown field %q (fields: id, name, category, label, address, postcode, url, lon, lat, easting, northing)", k)
		}
	}
	return m, nil
}
