# hassauth: Home Assistant's auth API as a pure Go core with thin hosts.

GO      ?= go
CONFIG  ?= ./config
LISTEN  ?= 127.0.0.1:8123

# The browser tests' driver: playwright-core, installed with npm ci; the
# tests start Debian's Chromium (/usr/bin/chromium) and never download one.
BROWSER_TESTS := hosts/native/pages/testdata/browser

.PHONY: all run build test test-go browser-deps screenshots bench lint fuzz

all: build

## run: serve the auth API on $(LISTEN) from $(CONFIG) (created on first run)
run:
	$(GO) run ./hosts/native/cmd/hassauth serve --config $(CONFIG) --listen $(LISTEN)

## build: build the hassauth command into ./bin
build:
	$(GO) build -o bin/hassauth ./hosts/native/cmd/hassauth

## test: everything CI runs
test: browser-deps test-go

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## browser-deps: playwright-core for the browser tests (they skip without it, node or chromium)
browser-deps: $(BROWSER_TESTS)/node_modules/.package-lock.json

$(BROWSER_TESTS)/node_modules/.package-lock.json: $(BROWSER_TESTS)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(BROWSER_TESTS) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	else \
		echo "npm not found: the browser tests will be skipped"; \
	fi

## screenshots: run the browser tests and copy their screenshots to docs/screenshots
screenshots: browser-deps
	$(GO) test -count=1 -run '^TestBrowser$$' ./hosts/native/pages/
	mkdir -p docs/screenshots
	cp $(BROWSER_TESTS)/out/*.png docs/screenshots/

## bench: the performance budgets, measured side by side
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./core/jwt/ ./core/

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...
