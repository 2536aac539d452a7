package app

import (
	"context"
	"io"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// BuildReader reads the metrics build of an edition.
type BuildReader interface {
	// BuildInfo returns the latest metrics build of an edition; ENOTFOUND when there is none.
	BuildInfo(ctx context.Context, edition string) (spatlas.Build, error)
}

// ProfileStore is what an area profile needs of a store.
type ProfileStore interface {
	AreaProfile(ctx context.Context, edition, code string) (spatlas.AreaProfile, error)
}

// UnderservedStore is what the underserved ranking needs of a store.
type UnderservedStore interface {
	BuildReader
	Underserved(ctx context.Context, q spatlas.UnderservedQuery) (spatlas.UnderservedResult, error)
}

// DownloadStore is what a researcher download needs of a store.
type DownloadStore interface {
	BuildReader
	Download(ctx context.Context, q spatlas.DownloadQuery, w io.Writer) error
}

// Build returns the edition's latest build, or nil when it has none.
func Build(ctx context.Context, store BuildReader, edition string) (*spatlas.Build, error) {
	b, err := store.BuildInfo(ctx, edition)
	if spatlas.ErrorCode(err) == spatlas.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// requireBuild is Build with ENOTFOUND for an edition that has none.
func requireBuild(ctx context.Context, store BuildReader, edition string) (*spatlas.Build, error) {
	b, err := Build(ctx, store, edition)
	if err == nil && b == nil {
		err = spatlas.Errorf(spatlas.ENOTFOUND, "edition %s has no metrics yet: run spatlas build", edition)
	}
	return b, err
}

// Profile returns the profile of an area of any level: its need, provision and gap, where it
// stands in England and in its LAD and ICB, and the nearest provision. An unknown code is
// ENOTFOUND.
func Profile(ctx context.Context, store ProfileStore, edition, code string) (spatlas.AreaProfile, error) {
	return store.AreaProfile(ctx, edition, code)
}

// UnderservedRequest asks for the underserved LSOAs of an area. A nil threshold takes the
// build's.
type UnderservedRequest struct {
	Edition   string
	Area      string
	Limit     int
	MaxDecile *int
	MaxPct    *float64
}

// UnderservedReport is the underserved LSOAs of an area with the thresholds that chose them.
type UnderservedReport struct {
	Edition string
	// Params are the build's parameters with the thresholds of the request.
	Params  spatlas.BuildParams
	Build   spatlas.Build
	Results spatlas.UnderservedResult
}

// Underserved ranks the underserved LSOAs of an area by gap and hotspot z. The edition must be
// built.
func Underserved(ctx context.Context, store UnderservedStore, req UnderservedRequest) (UnderservedReport, error) {
	b, err := requireBuild(ctx, store, req.Edition)
	if err != nil {
		return UnderservedReport{}, err
	}
	q := spatlas.UnderservedQuery{Edition: req.Edition, Area: req.Area, Limit: req.Limit,
		MaxDecile: b.Params.UnderservedDecile, MaxPct: b.Params.UnderservedPct}
	if req.MaxDecile != nil {
		q.MaxDecile = *req.MaxDecile
	}
	if req.MaxPct != nil {
		q.MaxPct = *req.MaxPct
	}
	res, err := store.Underserved(ctx, q)
	if err != nil {
		return UnderservedReport{}, err
	}
	params := b.Params
	params.UnderservedDecile, params.UnderservedPct = q.MaxDecile, q.MaxPct
	return UnderservedReport{Edition: req.Edition, Params: params, Build: *b, Results: res}, nil
}

// Download is a researcher download ready to be written: the areas of a level with every metric
// of the edition's build as a column.
type Download struct {
	// Query selects the areas; its Build is the edition's build, nil when it has none.
	Query spatlas.DownloadQuery
	// Name is the file name: {edition}-{level}[-{area}].{format}.
	Name  string
	store DownloadStore
}

// PrepareDownload reads the edition's build and names the file of a download, so that the
// caller can describe the file before writing it.
func PrepareDownload(ctx context.Context, store DownloadStore, q spatlas.DownloadQuery) (*Download, error) {
	b, err := Build(ctx, store, q.Edition)
	if err != nil {
		return nil, err
	}
	q.Build = b
	name := q.Edition + "-" + q.Level
	if q.Area != "" {
		name += "-" + q.Area
	}
	return &Download{Query: q, Name: name + "." + q.Format, store: store}, nil
}

// Write streams the download to w.
func (d *Download) Write(ctx context.Context, w io.Writer) error {
	return d.store.Download(ctx, d.Query, w)
}
