package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/geoassets"
	"github.com/spatlas/spatlas/internal/linkworkers"
	"github.com/spatlas/spatlas/internal/oruk"
	"github.com/spatlas/spatlas/internal/postgis"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/tabular"
	"github.com/spatlas/spatlas/internal/textio"
)

// importFormats are the formats import reads.
var importFormats = []string{"auto", "csv", "geojson", "osm", "overpass", "oruk", "oruk-api"}

const importUsage = `usage: spatlas import -dataset NAME [flags] FILE|URL

Loads one file of community assets or link worker services (or a live Open Referral UK API) in
one transaction, replacing what an earlier import of the same dataset and file stored, and prints
its report: every row read is loaded, rejected, unlocated or excluded, with the reason.

Formats: csv (columns found by common header names; -columns or -mapping say otherwise),
geojson (points; polygons are placed at a point on their surface), osm (OpenStreetMap GeoJSON,
categorised by tags), overpass (Overpass API JSON), oruk (an Open Referral UK / HSDS 3 JSON file),
oruk-api (the base URL of a live ORUK API, read page by page). auto picks by the file name and
content. Services files (-kind services) are CSV or GeoJSON with name, provider_type (pcn, vcs,
la, other), fte, optional caseload, and coordinates, easting/northing or a postcode.

flags:`

func cmdImport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dataset := fs.String("dataset", "", "the dataset name the import is reported and filtered under (required)")
	kind := fs.String("kind", spatlas.KindAssets, "what the file holds: assets or services")
	format := fs.String("format", "auto", "input format: "+strings.Join(importFormats, ", "))
	mapping := fs.String("mapping", "", "CSV: a JSON column mapping file (see README)")
	columns := fs.String("columns", "", "CSV: column mapping as field=column pairs, e.g. name=Site,lat=Y,lon=X,postcode=PC,category=Type")
	category := fs.String("category", "", "a taxonomy category id for every asset of the file (see /api/categories)")
	postcodes := fs.String("postcodes", e.lookup("SPATLAS_POSTCODES", ""), "postcode lookup (ONS Postcode Directory or NSPL CSV) to place rows that have only a postcode (env SPATLAS_POSTCODES)")
	orukPath := fs.String("oruk-path", "services", "oruk-api: the path of the services endpoint under the base URL")
	orukFull := fs.Bool("oruk-full", true, "oruk-api: fetch each service in full when the list lacks its locations")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, importUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return spatlas.Errorf(spatlas.EINVALID, "import: want one file or URL, got %d arguments (see spatlas import -h)", fs.NArg())
	case *dataset == "":
		return spatlas.Errorf(spatlas.EINVALID, "import: -dataset is required: the name its report and features are filed under")
	case *kind != spatlas.KindAssets && *kind != spatlas.KindServices:
		return spatlas.Errorf(spatlas.EINVALID, "import: -kind %q: want assets or services", *kind)
	case !slices.Contains(importFormats, *format):
		return spatlas.Errorf(spatlas.EINVALID, "import: -format %q: want one of %s", *format, strings.Join(importFormats, ", "))
	}
	src := fs.Arg(0)
	m, err := importMapping(*mapping, *columns)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e, postgis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := app.NewProvision(ctx, db, "", *postcodes, e.logger)
	if err != nil {
		return err
	}
	if *category != "" && !p.Taxonomy.Has(*category) {
		return spatlas.Errorf(spatlas.EINVALID, "import: -category %q is not a category of the taxonomy (see /api/categories)", *category)
	}
	if err := m.Check(p.Taxonomy); err != nil {
		return err
	}
	var im *spatlas.Import
	if *kind == spatlas.KindServices {
		im, err = linkworkers.LoadFile(*dataset, src, p.PostcodeLookup())
	} else {
		im, err = readAssetSource(ctx, e, src, *format, m, *category, *orukPath, *orukFull, p)
	}
	if err != nil {
		return err
	}
	im.Kind, im.Dataset = *kind, *dataset
	if im.File == "" {
		im.File = filepath.Base(src)
	}
	if *format != "oruk-api" && im.Source.SHA256 == "" {
		if im.Source.SHA256, im.Source.Bytes, err = textio.Checksum(src); err != nil {
			return err
		}
	}
	im.Source.Dataset, im.Source.File, im.Source.Rows = im.Dataset, im.File, int64(im.RowsRead)
	p.Taxonomy.Assign(im.Assets)
	if err := db.SetCategories(ctx, app.CategoryCounts(p.Taxonomy)); err != nil {
		return err
	}
	rep, err := db.LoadImport(ctx, im)
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

// readAssetSource reads an asset file, or a live ORUK API, in the format asked for.
func readAssetSource(ctx context.Context, e env, src, format string, m tabular.Mapping, category, orukPath string,
	orukFull bool, p app.Provision) (*spatlas.Import, error) {
	name := strings.ToLower(strings.TrimSuffix(filepath.Base(src), ".gz"))
	if format == "auto" {
		switch {
		case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
			format = "oruk-api"
		case strings.HasSuffix(name, ".csv"):
			format = "csv"
		case strings.Contains(name, "oruk") || strings.Contains(name, "openreferral"):
			format = "oruk"
		}
	}
	if format == "oruk-api" {
		c := &oruk.Client{HTTP: &http.Client{}, Base: src, Path: orukPath, Full: orukFull, Logger: e.logger}
		return c.Fetch(ctx, oruk.Options{File: src, Postcodes: p.PostcodeLookup()})
	}
	r, err := textio.Open(src)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	base := filepath.Base(src)
	o := geoassets.Options{File: base, Category: category, Postcodes: p.PostcodeLookup()}
	switch format {
	case "csv":
		if category != "" {
			m.CategoryFixed = category
		}
		return tabular.ReadAssets("", base, r, m, p.PostcodeLookup())
	case "oruk":
		return oruk.Read(r, oruk.Options{File: base, Postcodes: p.PostcodeLookup()})
	case "geojson":
		return geoassets.ReadGeoJSON(r, o)
	case "osm":
		return geoassets.ReadOSMGeoJSON(r, o)
	case "overpass":
		return geoassets.ReadOverpass(r, o)
	}
	im, _, err := geoassets.Read(r, o)
	return im, err
}
