# UDI Ledger. `make demo` plays the whole story on the embedded ledger; `make test` runs the
# suite, the real-Fabric integration test included. Only Go is needed: everything else is
# built or installed by these targets.

GO          ?= go
BIN         := bin
FUZZTIME    ?= 60s
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ERRORLINT   := github.com/polyfloyd/go-errorlint@v1.8.0
GOSEC       := github.com/securego/gosec/v2/cmd/gosec@v2.30.0

.PHONY: all build test unit vet lint fuzz bench bench-fabric bench-go bench-capture-fabric soak soak-embedded demo demo-fabric fabric browser network-up network-down network-status clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cli/cmd/udi ./chaincode/cmd/udi-chaincode

## test: formatting, vet and every test (unit, embedded ledger, real-Fabric integration, real
## browser). UDI_FABRIC_IT=1 and UDI_BROWSER_IT=1 make those tests run (never skip); `fabric`
## builds the Fabric binaries once, before the packages that need them start in parallel, and
## `browser` installs Chromium.
test: vet fabric browser
	UDI_FABRIC_IT=1 UDI_BROWSER_IT=1 $(GO) test -count=1 -timeout 25m ./...

## unit: the tests without the real-Fabric network
unit:
	$(GO) test -count=1 -short ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

lint: vet
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(ERRORLINT) ./...
	$(GO) run $(GOSEC) -quiet -exclude-generated ./...

## fuzz: every fuzz target for FUZZTIME each (not part of test). A run that ends with Go's
## "context deadline exceeded" at the time limit and wrote no failing input is the fuzz
## coordinator's deadline race (golang/go#75804, fixed in Go 1.27), not a finding.
fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for fz in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$fz"; \
	    found=$$(ls $$dir/testdata/fuzz/$$fz 2>/dev/null | wc -l); \
	    if $(GO) test -run='^$$' -fuzz="^$$fz\$$" -fuzztime=$(FUZZTIME) $$pkg > $$log 2>&1; then tail -n 2 $$log; continue; fi; \
	    cat $$log; \
	    if grep -q 'context deadline exceeded' $$log && [ "$$(ls $$dir/testdata/fuzz/$$fz 2>/dev/null | wc -l)" = "$$found" ]; then \
	      echo "== $$fz: stopped by the fuzz coordinator's deadline race, no failing input written"; \
	    else exit 1; fi; \
	  done; \
	done

## bench: `udi bench` (PROFILE=quick, about 5 minutes; full, about 30) on the embedded engine
## and, when `udi network status` finds the Fabric network up, on it too. Each backend's JSON
## report and charts go to BENCH_OUT; the table to the terminal.
PROFILE   ?= quick
BENCH_OUT ?= $(BIN)/bench
bench: build
	@mkdir -p $(BENCH_OUT)
	$(BIN)/udi bench --profile $(PROFILE) --report-file $(BENCH_OUT)/embedded.json --charts $(BENCH_OUT) --pprof $(BENCH_OUT)/pprof
	@if $(BIN)/udi network status >/dev/null 2>&1; then \
	  $(BIN)/udi bench --backend fabric --profile $(PROFILE) --report-file $(BENCH_OUT)/fabric.json --charts $(BENCH_OUT) --pprof $(BENCH_OUT)/pprof; \
	else echo "Fabric network not up: 'make bench-fabric' brings it up and measures it too"; fi

## bench-fabric: bring the Fabric network up (if it is not), then `make bench` on both backends
bench-fabric: fabric network-up
	$(MAKE) bench

## bench-go: every Go benchmark once, with memory figures, on the embedded ledger
bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem $$($(GO) list ./... | grep -v /network/fabricnet/integration)

## bench-capture-fabric: EPCIS capture throughput (a 1,000-event document and its receipts,
## through the gateway) on a real five-organisation Fabric network brought up from nothing
bench-capture-fabric: fabric
	UDI_FABRIC_IT=1 $(GO) test -run='^$$' -bench=CaptureOnFabric -benchtime=1x -timeout 40m ./network/fabricnet/integration/

## soak: a steady scan load through the gateway (run as its own process) on the Fabric network
## while an orderer (leader, then follower), a peer, a chaincode server and the gateway are
## killed and restarted in turn; fails if an accepted event is lost or written twice. Writes
## the figures and a memory chart into docs/reliability.md. DURATION=10m by default.
DURATION ?= 10m
soak: build fabric network-up
	$(BIN)/udi soak --backend fabric --duration $(DURATION) --doc docs/reliability.md --report-file $(BIN)/soak-fabric.json

## soak-embedded: the same on the embedded engine, the gateway killed in its commits
soak-embedded: build
	$(BIN)/udi soak --duration $(DURATION) --doc docs/reliability.md --report-file $(BIN)/soak-embedded.json

## demo: the whole story on a fresh embedded ledger; BACKEND=fabric plays it on `make network-up`
BACKEND ?= embedded
BATCH   ?= 1
demo:
	$(GO) run ./cli/cmd/udi demo --backend $(BACKEND) --batch $(BATCH)

## demo-fabric: bring the Fabric network up (if it is not) and play the demo on it
demo-fabric: network-up
	$(MAKE) demo BACKEND=fabric BATCH=$(BATCH)

## browser: Chromium for the browser tests (Debian's package), unless one is installed (or
## UDI_CHROMIUM names one). As root (CI) it installs it with apt-get, never asking anything; any
## other user is told what to install and the target fails: it never runs sudo.
browser:
	@[ -n "$$UDI_CHROMIUM" ] && [ -x "$$UDI_CHROMIUM" ] || \
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	command -v google-chrome >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make browser: no Chromium found, and installing one needs root." >&2; \
	    echo "Install it (as root: apt-get install chromium), or set UDI_CHROMIUM to a browser binary, then run make again." >&2; \
	    exit 1; \
	  fi; \
	  echo "installing chromium (apt)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium </dev/null >/dev/null 2>&1 || \
	  { apt-get update -q </dev/null >/dev/null && apt-get install -y -q chromium </dev/null >/dev/null; }; }

## fabric: build (once, then cached) the Fabric and Fabric CA binaries from the pinned modules
fabric:
	bash network/scripts/build-fabric.sh

network-up:
	$(GO) run ./cli/cmd/udi network up

network-down:
	$(GO) run ./cli/cmd/udi network down

network-status:
	$(GO) run ./cli/cmd/udi network status

clean:
	rm -rf $(BIN)
	$(GO) clean -testcache
