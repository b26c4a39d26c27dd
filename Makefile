# hassauth: Home Assistant's auth API as a pure Go core with thin hosts.

GO      ?= go
CONFIG  ?= ./config
LISTEN  ?= 127.0.0.1:8123

.PHONY: all run build test test-go bench lint fuzz vectors vectors-gen

all: build

## run: serve the auth API on $(LISTEN) from $(CONFIG) (created on first run)
run:
	$(GO) run ./hosts/native/cmd/hassauth serve --config $(CONFIG) --listen $(LISTEN)

## build: build the hassauth command into ./bin
build:
	$(GO) build -o bin/hassauth ./hosts/native/cmd/hassauth

## test: everything CI runs
test: test-go

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## vectors: run every conformance vector through each engine; one line per
## engine (count and running sha256), failing on any difference
VECTOR_ENGINES ?= native,wazero,node
vectors:
	$(GO) run ./testvectors/cmd/runvectors -dir testvectors -engines $(VECTOR_ENGINES)

## vectors-gen: re-run the scenarios and rewrite testvectors/*.json
vectors-gen:
	$(GO) generate ./testvectors

## bench: the performance budgets, measured side by side
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./core/jwt/ ./core/

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...
