# spatlas: `make run` and `make test` do all the set-up (see README.md).
SHELL := /bin/bash
GO    ?= go
BIN   := bin/spatlas
WEB_DEPS := web/node_modules/.package-lock.json
WEB_SRC  := $(wildcard web/src/*) web/scripts/build.mjs
BENCH_FLAGS ?=
# A relative SPATLAS_DATA (environment or make argument) names a folder relative to where make
# runs, the repository root; each recipe exports it as an absolute path, since go test runs every
# package's tests in that package's own folder.
DATA_ABS = case "$${SPATLAS_DATA:-}" in ""|/*) ;; *) export SPATLAS_DATA="$$PWD/$$SPATLAS_DATA";; esac;

.PHONY: all build run stop test fuzz bench web tools clean

all: build

# Front end: Leaflet and the test driver come from npm; the build copies them with the app into
# web/dist, which the binary embeds.
$(WEB_DEPS): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else echo "npm is missing: sudo apt-get install -y nodejs npm"; exit 1; fi; }
	cd web && npm ci --no-audit --no-fund
web/dist/index.html: $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build
web: web/dist/index.html

build: web/dist/index.html
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/spatlas

# Uses DATABASE_URL when set, else the private PostGIS cluster under .spatlas/ (started, and
# installed when missing and run as root). Loads SPATLAS_DATA (default data/raw) and serves.
run: build
	@$(DATA_ABS) $(BIN) run

stop: build
	$(BIN) db stop

# Unit, integration (real PostGIS), HTTP and headless-Chromium tests. Tests that need the
# database use the private cluster unless DATABASE_URL is set; tests on real data read
# SPATLAS_DATA and skip without it (a skip is a failure under SPATLAS_REQUIRE_DB=1).
test: build tools
	@$(DATA_ABS) url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then url=$$($(BIN) db start) || exit 1; fi; \
	SPATLAS_TEST_DATABASE_URL="$$url" $(GO) test -count=1 -timeout 40m ./...

# Every fuzz target (go test -fuzz) for FUZZTIME each, seeds from testdata/fuzz and f.Add; CI
# runs it after the tests. A failing target prints its output and runs once more: an input that
# fails is written to testdata/fuzz and replayed first, so only a fault of the fuzzing engine
# itself (a worker lost on a busy machine) passes the second time.
FUZZTIME ?= 5s
fuzz:
	@for pkg in $$(grep -rl --include='*_test.go' '^func Fuzz' internal cmd | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -h '^func Fuzz' $$pkg/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "fuzz $$pkg $$f"; \
	    out=$$($(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./$$pkg 2>&1) || { \
	      echo "$$out"; echo "fuzz $$pkg $$f: once more (a failing input found is replayed first)"; \
	      out=$$($(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./$$pkg 2>&1) || { echo "$$out"; exit 1; }; }; \
	    echo "$$out" | tail -n 1; \
	  done; \
	done

# Test tools from Debian: Chromium for the map test and GDAL, a real OGC API client (installed
# when missing and run as root).
tools:
	@need=""; command -v chromium >/dev/null || need="chromium"; command -v ogrinfo >/dev/null || need="$$need gdal-bin"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; \
	  else echo "missing test tools: sudo apt-get install -y $$need"; exit 1; fi; fi

# Benchmarks, side by side in one run: spatlas against ogr2ogr and against a trivial server.
bench: build
	@command -v ogr2ogr >/dev/null && command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin wrk; \
	  else echo "bench needs gdal-bin and wrk: sudo apt-get install -y gdal-bin wrk"; exit 1; fi; }
	@$(DATA_ABS) url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then url=$$($(BIN) db createdb spatlas_bench) || exit 1; fi; \
	SPATLAS_BENCH_DATABASE_URL="$$url" $(GO) run ./cmd/spatlas-bench $(BENCH_FLAGS)

clean:
	rm -rf bin; find web/dist -mindepth 1 ! -name .gitkeep -delete
