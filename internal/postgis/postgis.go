package postgis

import (
	"context"
	"log/slog"

	"github.com/spatlas/spatlas/internal/postgis/build"
	"github.com/spatlas/spatlas/internal/postgis/editions"
	"github.com/spatlas/spatlas/internal/postgis/pgdb"
	"github.com/spatlas/spatlas/internal/postgis/provision"
	"github.com/spatlas/spatlas/internal/postgis/reads"
	"github.com/spatlas/spatlas/internal/postgis/scenarios"
)

// DB is spatlas's store: one database, with the methods of every stage.
type DB struct {
	*pgdb.DB            // Open's pool: Close, Migrate, Ready, Generation, Lock, Pool
	*editions.Loader    // LoadEdition, StageBoundaries, Provenance
	*provision.Importer // LoadImport, RemoveProvision, ProvisionReports, ProvisionKey, EditionsKey, SetCategories
	*build.Builder      // Build, BuildInfo, Builds
	*reads.Reader       // Collections, Features, Feature, Categories and the analyses
	*scenarios.Store    // ModelInput, Project, PutScenario, Scenario, LSOAGeometries
}

// Options tune a DB.
type Options = pgdb.Options

// Open connects to the database at url (a libpq URL or key=value string; the PG* variables
// fill what it leaves out) and checks that it answers.
func Open(ctx context.Context, url string, logger *slog.Logger, opt Options) (*DB, error) {
	db, err := pgdb.Open(ctx, url, logger, opt)
	if err != nil {
		return nil, err
	}
	b := build.New(db)
	return &DB{DB: db, Loader: editions.New(db), Importer: provision.New(db), Builder: b, Reader: reads.New(db, b), Store: scenarios.New(db)}, nil
}

// NameKey normalises an asset name for finding duplicates (provision.NameKey).
func NameKey(name string) string { return provision.NameKey(name) }
