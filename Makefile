# hassauth: Home Assistant's auth API as a pure Go core with thin hosts.

GO       ?= go
CONFIG   ?= ./config
LISTEN   ?= 127.0.0.1:8123
FUZZTIME ?= 10s

# Node packages the tests use, each pinned by its package-lock.json:
# home-assistant-js-websocket for the end-to-end test, playwright-core for
# the browser tests (which start Debian's Chromium and never download one).
E2E_CLIENT    := hosts/native/e2e/client
BROWSER_TESTS := hosts/native/pages/testdata/browser
NODE_DEPS     := $(E2E_CLIENT)/node_modules/.package-lock.json $(BROWSER_TESTS)/node_modules/.package-lock.json

# The WebAssembly modules: the reactor that wazero and Node.js run, and the
# JSON-lines command for any WASI runtime.
WASM     ?= bin/hassauth.wasm
WASI     ?= bin/hassauth-lines.wasm
NODE     ?= node

.PHONY: all run build wasm test test-go test-node node-deps screenshots bench lint fuzz vectors vectors-gen

all: build

## run: serve the auth API on $(LISTEN) from $(CONFIG) (created on first run)
run:
	$(GO) run ./hosts/native/cmd/hassauth serve --config $(CONFIG) --listen $(LISTEN)

## build: build the hassauth command and its WebAssembly module into ./bin
build: wasm
	$(GO) build -o bin/hassauth ./hosts/native/cmd/hassauth

## wasm: the core as a WebAssembly reactor (wazero, Node) and as a JSON-lines WASI command
wasm:
	@mkdir -p bin
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $(WASM) ./hosts/wasm/guest
	GOOS=wasip1 GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(WASI) ./hosts/wasi/lines
	@ls -l $(WASM) $(WASI)

## test: everything CI runs
test: node-deps test-go test-node

# The Go tests build the modules themselves when these are not set; with
# them, every package uses the ones just built.
test-go: wasm
	$(GO) vet ./...
	HASSAUTH_WASM=$(abspath $(WASM)) HASSAUTH_WASI_COMMAND=$(abspath $(WASI)) $(GO) test -race -count=1 ./...

test-node: wasm
	HASSAUTH_WASM=$(abspath $(WASM)) $(NODE) --test hosts/wasi/node/

## node-deps: the pinned npm packages of the end-to-end and browser tests
## (those tests skip themselves without node, npm or chromium, unless CI is set)
node-deps: $(NODE_DEPS)

%/node_modules/.package-lock.json: %/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $* && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	else \
		echo "npm not found: the tests that need $* will be skipped"; \
	fi

## screenshots: run the browser tests and copy their screenshots to docs/screenshots
screenshots: node-deps
	$(GO) test -count=1 -run '^TestBrowser$$' ./hosts/native/pages/
	mkdir -p docs/screenshots
	cp $(BROWSER_TESTS)/out/*.png docs/screenshots/

## vectors: run every conformance vector through each engine; one line per
## engine (count and running sha256), failing on any difference
VECTOR_ENGINES ?= native,wazero,node
vectors:
	$(GO) run ./testvectors/cmd/runvectors -dir testvectors -engines $(VECTOR_ENGINES)

## vectors-gen: re-run the scenarios and rewrite testvectors/*.json
vectors-gen:
	$(GO) generate ./testvectors

## bench: the benchmarks, then the performance budgets measured side by side
## (one line each: budget <name>: <measured> (limit <limit>) ok|missed);
## the PyJWT comparison needs Debian's python3-jwt; the module budgets
## measure the module make wasm builds. The per-message budgets run the
## vector message mix through native, wazero and Node; add -budget-detail
## to their line below for the cost of each kind of input. The native
## host's budgets are measured on the native engine.
bench: wasm
	@/usr/bin/python3 -c 'import jwt' 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jwt >/dev/null; } || true
	$(GO) test -run '^$$' -bench . -benchmem ./core/jwt/ ./core/
	@$(GO) test -count=1 -run '^TestBudget' -v ./core/ -args -budget | grep -E '^(budget|report|FAIL|panic)'
	@HASSAUTH_WASM=$(abspath $(WASM)) $(GO) test -count=1 -run '^TestBudget' -v ./hosts/wasm/ -args -budget | grep -E '^(budget|report|FAIL|panic)'
	@HASSAUTH_ENGINES=native HASSAUTH_WASM=$(abspath $(WASM)) $(GO) test -count=1 -timeout 20m -run '^TestBudget' -v ./hosts/native/ -args -budget | grep -E '^(budget|report|FAIL|panic)'
	@HASSAUTH_WASM=$(abspath $(WASM)) $(GO) test -count=1 -run '^TestBudget' -v ./hosts/wasi/ -args -budget | grep -E '^(budget|report|FAIL|panic)'

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

## fuzz: run every fuzz target for $(FUZZTIME) each
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' | sort -u || true); do \
			echo "fuzz $$pkg $$f"; \
			out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg 2>&1) || \
			case "$$out" in \
			*"Failing input written"*) echo "$$out" | tail -30; echo "FAIL: $$pkg $$f"; exit 1;; \
			*"context deadline exceeded"*) echo "  (the fuzzing engine stopped on its deadline without a failing input)";; \
			*) echo "$$out" | tail -30; echo "FAIL: $$pkg $$f"; exit 1;; \
			esac; \
		done; \
	done
