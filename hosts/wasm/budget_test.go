package wasm_test

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/wasm"
)

// The budgets of the WebAssembly module, printed as
// "budget <name>: <measured> (limit <limit>) ok|missed" (make bench). They
// are measurements, not tests: they only run with -budget, and a missed
// budget is reported, not failed.
var budget = flag.Bool("budget", false, "measure and print the performance budgets")

// Limits of issue 6: the reactor module, and a start of an engine from a
// compilation cache that already holds it.
const (
	moduleSizeLimit = 4_000_000
	warmStartLimit  = 60 * time.Millisecond
	warmStartRuns   = 20
)

// sectionSizes returns the sizes of a module's code and data sections.
func sectionSizes(t *testing.T, module []byte) (code, data int) {
	b := module[8:] // magic and version
	for len(b) > 0 {
		id := b[0]
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || uint64(len(b)-1-k) < n {
			t.Fatalf("malformed section header in the module")
		}
		switch id {
		case 10:
			code = int(n)
		case 11:
			data = int(n)
		}
		b = b[1+k+int(n):]
	}
	return code, data
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "missed"
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestBudgetWasm measures the module that make wasm built (HASSAUTH_WASM),
// or one built here with the same flags.
func TestBudgetWasm(t *testing.T) {
	if !*budget {
		t.Skip("run with -budget (make bench)")
	}
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(t, err)
	module, err := os.ReadFile(path)
	require.NoError(t, err)
	size := len(module)
	code, data := sectionSizes(t, module)
	fmt.Printf("budget wasm-module-size: %.2f MB (limit 4 MB) %s [%d bytes: code %.2f MB, data %.2f MB; MB = 10^6 bytes]\n",
		float64(size)/1e6, verdict(size <= moduleSizeLimit), size, float64(code)/1e6, float64(data)/1e6)

	// Fill the cache once; every measured start then finds the module in
	// it, as a host started again on the same machine does.
	dir := t.TempDir()
	r, err := wasm.Load(ctx, module, wasm.Options{CacheDir: dir})
	require.NoError(t, err)
	require.NoError(t, r.Close(ctx))

	var best, bestLoad, bestInit time.Duration
	for i := 0; i < warmStartRuns; i++ {
		start := time.Now()
		r, err := wasm.Load(ctx, module, wasm.Options{CacheDir: dir})
		require.NoError(t, err)
		loaded := time.Since(start)
		// NewEngine instantiates the module (the runtime's _initialize)
		// and runs hassauth_init; work instances are made on first use.
		e, err := r.NewEngine(ctx, core.Config{}, seed)
		require.NoError(t, err)
		total := time.Since(start)
		require.NoError(t, e.Close(ctx))
		require.NoError(t, r.Close(ctx))
		if i == 0 || total < best {
			best, bestLoad, bestInit = total, loaded, total-loaded
		}
	}
	fmt.Printf("budget wazero-warm-start: %.1f ms (limit 60 ms) %s [best of %d: new runtime and compile from the cache %.1f ms, instantiate and hassauth_init %.1f ms]\n",
		millis(best), verdict(best <= warmStartLimit), warmStartRuns, millis(bestLoad), millis(bestInit))
}
