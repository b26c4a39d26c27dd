# hassauth: Home Assistant's auth API as a pure Go core with thin hosts.

GO      ?= go
CONFIG  ?= ./config
LISTEN  ?= 127.0.0.1:8123

.PHONY: all run build test test-go bench lint fuzz

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

## bench: the benchmarks, then the performance budgets measured side by side
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./core/jwt/ ./core/
	@$(GO) test -count=1 -run '^TestBudget$$' -v ./core/ -args -budget | grep -E '^(budget|FAIL|panic)'

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...
