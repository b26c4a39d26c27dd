# hassauth: Home Assistant's auth API as a pure Go core with thin hosts.

GO      ?= go
CONFIG  ?= ./config
LISTEN  ?= 127.0.0.1:8123

FUZZTIME ?= 10s

.PHONY: all run build test test-go e2e-client bench lint fuzz

all: build

## run: serve the auth API on $(LISTEN) from $(CONFIG) (created on first run)
run:
	$(GO) run ./hosts/native/cmd/hassauth serve --config $(CONFIG) --listen $(LISTEN)

## build: build the hassauth command into ./bin
build:
	$(GO) build -o bin/hassauth ./hosts/native/cmd/hassauth

## test: everything CI runs
test: e2e-client test-go

# e2e-client installs the pinned home-assistant-js-websocket for the
# end-to-end test (hosts/native/e2e), which skips itself without node.
E2E_CLIENT := hosts/native/e2e/client
e2e-client:
	@if command -v npm >/dev/null 2>&1; then \
		cd $(E2E_CLIENT) && npm ci --no-audit --no-fund; \
	else \
		echo "npm not found: the end-to-end test with home-assistant-js-websocket will be skipped"; \
	fi

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## bench: the performance budgets, measured side by side
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./core/jwt/ ./core/

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

## fuzz: run every fuzz target for $(FUZZTIME) each
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; \
			out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg 2>&1) || \
			case "$$out" in \
			*"Failing input written"*) echo "$$out" | tail -30; echo "FAIL: $$pkg $$f"; exit 1;; \
			*"context deadline exceeded"*) echo "  (the fuzzing engine stopped on its deadline without a failing input)";; \
			*) echo "$$out" | tail -30; echo "FAIL: $$pkg $$f"; exit 1;; \
			esac; \
		done; \
	done
