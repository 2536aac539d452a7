package geom

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/spatlas/spatlas/internal/testenv"
)

// TestPostGISRoundTrip sends points and a polygon to PostGIS as EWKB and reads them back, as the
// store hands geometry to Go and back.
func TestPostGISRoundTrip(t *testing.T) {
	url := os.Getenv("SPATLAS_TEST_DATABASE_URL")
	if url == "" {
		testenv.Skip(t, "SPATLAS_TEST_DATABASE_URL is not set: no PostGIS to test with")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		t.Fatal(err)
	}

	// A geometry column, as pgx hands it over (hex EWKB text), and ST_AsEWKB bytes.
	for _, q := range []string{
		"SELECT ST_SetSRID(ST_MakePoint(-1.5, 53.25), 4326)",
		"SELECT ST_AsEWKB(ST_SetSRID(ST_MakePoint(-1.5, 53.25), 4326))",
	} {
		var p Point
		if err := conn.QueryRow(ctx, q).Scan(&p); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if p != (Point{X: -1.5, Y: 53.25, SRID: 4326}) {
			t.Errorf("%s: %+v", q, p)
		}
	}

	// Go to PostGIS and back: a point on the grid and a polygon.
	b, err := EncodeEWKB(NewPoint(383880.5, 398160.25, 27700))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	var back []byte
	if err := conn.QueryRow(ctx, "SELECT ST_AsEWKT(ST_GeomFromEWKB($1)), ST_AsEWKB(ST_GeomFromEWKB($1))", b).Scan(&text, &back); err != nil {
		t.Fatal(err)
	}
	if text != "SRID=27700;POINT(383880.5 398160.25)" {
		t.Errorf("PostGIS reads %s", text)
	}
	if x, y, srid, err := DecodePoint(back); err != nil || x != 383880.5 || y != 398160.25 || srid != 27700 {
		t.Errorf("DecodePoint = %v, %v, %d, %v", x, y, srid, err)
	}
}
