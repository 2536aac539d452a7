package pgdb

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// AppError maps the database errors a request can meet to application errors, so that the
// server answers 400 or 503 rather than 500: a value the database refused (SQLSTATE class 22)
// is EINVALID; a statement timeout, a server shutting down or a lost connection is EUNAVAILABLE.
// Cancellation passes through unchanged, and anything else stays internal.
func AppError(err error) error {
	var se *spatlas.Error
	var pg *pgconn.PgError
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case err == nil, errors.As(err, &se), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &pg):
		switch {
		case strings.HasPrefix(pg.Code, "22"):
			return spatlas.Errorf(spatlas.EINVALID, "the database refused a value: %s", pg.Message)
		case pg.Code == "57014":
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "the query took too long; try a smaller bbox or limit")
		case strings.HasPrefix(pg.Code, "08"), strings.HasPrefix(pg.Code, "57P"), pg.Code == "53300":
			return spatlas.Errorf(spatlas.EUNAVAILABLE, "the database is unavailable")
		}
		return err
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.SafeToRetry(err):
		return spatlas.Errorf(spatlas.EUNAVAILABLE, "the database is unavailable")
	}
	return err
}
