package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	orbwkb "github.com/paulmach/orb/encoding/wkb"
	orbgeojson "github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	geomgeojson "github.com/twpayne/go-geom/encoding/geojson"
	geomwkb "github.com/twpayne/go-geom/encoding/wkb"
	"golang.org/x/sync/errgroup"

	"github.com/spatlas/spatlas/internal/ingest"
	"github.com/spatlas/spatlas/internal/spatlas"
)

// The boundary geometry candidates the load benchmark sets beside spatlas's own reader, which
// scans each file once and writes every geometry straight to WKB. Each reads the same files, two
// at a time as the load does, with encoding/json, leaving each feature's geometry as its text:
//
//   - orb decodes the text with orb/geojson and writes WKB with orb/encoding/wkb;
//   - go-geom decodes it with go-geom/encoding/geojson and writes WKB with go-geom/encoding/wkb;
//
// both then stage the WKB through postgis.DB.StageBoundaries, as spatlas does; and
//
//   - ST_GeomFromGeoJSON copies the text itself into a staging table and lets PostGIS parse it
//     into the same stage_geom table, with the same GiST index.

// jsonFeature is one feature of a boundary file as encoding/json reads it.
type jsonFeature struct {
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// jsonCollection is a boundary file as encoding/json reads it.
type jsonCollection struct {
	Type string `json:"type"`
	CRS  *struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	} `json:"crs"`
	Features []jsonFeature `json:"features"`
}

// textFeature is one boundary feature with its geometry as GeoJSON text.
type textFeature struct {
	code, name string
	geometry   json.RawMessage
	srid       int
	file       string
	feature    int
}

// jsonFeatures reads the files, two at a time, and calls fn with every feature; fn may be called
// from two goroutines at once.
func jsonFeatures(ctx context.Context, files []string, fields ingest.BoundaryFields, fn func(textFeature) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, path := range files {
		g.Go(func() error {
			fc, err := readJSONCollection(path)
			if err != nil {
				return err
			}
			srid := 4326
			if fc.CRS != nil && strings.HasSuffix(fc.CRS.Properties.Name, "27700") {
				srid = 27700
			}
			for i, f := range fc.Features {
				if err := ctx.Err(); err != nil {
					return err
				}
				t := textFeature{code: firstString(f.Properties, fields.Code), name: firstString(f.Properties, fields.Name),
					geometry: f.Geometry, srid: srid, file: filepath.Base(path), feature: i + 1}
				if err := fn(t); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

func readJSONCollection(path string) (jsonCollection, error) {
	var fc jsonCollection
	if err := decodeFile(path, &fc); err != nil {
		return fc, err
	}
	if fc.Type != "FeatureCollection" {
		return fc, fmt.Errorf("%s: type %q, want a FeatureCollection", path, fc.Type)
	}
	return fc, nil
}

func firstString(props map[string]any, names []string) string {
	for _, n := range names {
		if s, ok := props[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// libraryBoundaries streams the files' boundaries with each geometry written to WKB by wkbOf.
func libraryBoundaries(files []string, fields ingest.BoundaryFields, wkbOf func(json.RawMessage) ([]byte, error)) func(context.Context, func(spatlas.Boundary) error) error {
	return func(ctx context.Context, yield func(spatlas.Boundary) error) error {
		return jsonFeatures(ctx, files, fields, func(f textFeature) error {
			w, err := wkbOf(f.geometry)
			if err != nil {
				return fmt.Errorf("%s: feature %d: %w", f.file, f.feature, err)
			}
			return yield(spatlas.Boundary{Code: f.code, Name: f.name, WKB: w, SRID: f.srid, File: f.file, Feature: f.feature})
		})
	}
}

// orbWKB decodes a GeoJSON Polygon or MultiPolygon with orb and writes it as little-endian WKB.
func orbWKB(raw json.RawMessage) ([]byte, error) {
	g, err := orbgeojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, err
	}
	switch g.Type {
	case "Polygon", "MultiPolygon":
	default:
		return nil, fmt.Errorf("a %q geometry, want Polygon or MultiPolygon", g.Type)
	}
	return orbwkb.Marshal(g.Coordinates, binary.LittleEndian)
}

// geomWKB decodes a GeoJSON Polygon or MultiPolygon with go-geom and writes it as little-endian
// WKB.
func geomWKB(raw json.RawMessage) ([]byte, error) {
	var g geom.T
	if err := geomgeojson.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	switch g.(type) {
	case *geom.Polygon, *geom.MultiPolygon:
	default:
		return nil, fmt.Errorf("a %T geometry, want Polygon or MultiPolygon", g)
	}
	return geomwkb.Marshal(g, geomwkb.NDR)
}

// stageGeoJSON fills stage_geom as the load's first stage does, but by copying each geometry's
// GeoJSON text to PostGIS and parsing it there with ST_GeomFromGeoJSON. It returns how many
// boundaries it staged.
func (b *bench) stageGeoJSON(ctx context.Context, files []string, fields ingest.BoundaryFields) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, b.db.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, query("geojson_stage")); err != nil {
			return err
		}
		var err error
		if n, err = copyGeoJSON(ctx, tx, files, fields); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, query("geojson_geom")); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, query("geojson_index"))
		return err
	})
	return n, err
}

// copyGeoJSON copies the features of the files into stage_geojson while they are read.
func copyGeoJSON(ctx context.Context, tx pgx.Tx, files []string, fields ingest.BoundaryFields) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan textFeature, 256)
	readErr := make(chan error, 1)
	go func() {
		defer close(ch)
		readErr <- jsonFeatures(ctx, files, fields, func(f textFeature) error {
			select {
			case ch <- f:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_geojson"}, []string{"code", "name", "geojson", "srid", "file", "feature"},
		pgx.CopyFromFunc(func() ([]any, error) {
			f, ok := <-ch
			if !ok {
				return nil, nil
			}
			return []any{f.code, f.name, string(f.geometry), int32(f.srid), f.file, int32(f.feature)}, nil
		}))
	if err != nil {
		cancel()
		for range ch {
		}
		if rerr := <-readErr; rerr != nil && ctx.Err() == nil {
			return 0, rerr
		}
		return 0, fmt.Errorf("copy GeoJSON: %w", err)
	}
	return n, <-readErr
}
