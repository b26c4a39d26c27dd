package native_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/wasm"
)

// engineName is the engine the tests run on in this pass.
var engineName string

// TestMain runs every test of the package once per engine: natively, then
// with the core in WebAssembly under wazero, so that the HTTP and
// websocket behaviour cannot differ between them. HASSAUTH_ENGINES
// ("native", "wasm" or "native,wasm") picks the passes.
func TestMain(m *testing.M) {
	engines := []string{"native", "wasm"}
	if e := os.Getenv("HASSAUTH_ENGINES"); e != "" {
		engines = strings.Split(e, ",")
	}
	// Listing and fuzzing concern the decoders, which no engine touches:
	// one pass, so that each target is listed and fuzzed once.
	flag.Parse()
	if flagSet("test.list") || flagSet("test.fuzz") || flagSet("test.fuzzworker") {
		engines = engines[:1]
	}
	code := 0
	for _, name := range engines {
		engineName = name
		fmt.Printf("=== engine %s\n", name)
		if c := m.Run(); c != 0 {
			fmt.Printf("=== engine %s failed\n", name)
			code = c
		}
	}
	os.Exit(code)
}

// flagSet reports whether the testing flag name was given a value other
// than its default.
func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != f.DefValue
}

var (
	wasmOnce    sync.Once
	wasmRuntime *wasm.Runtime
	wasmErr     error
)

// engineForTest returns the factory of the engine of this pass.
func engineForTest(t testing.TB) native.EngineFactory {
	t.Helper()
	switch engineName {
	case "", "native":
		return native.NativeEngine
	case "wasm":
		return wasmEngine(t)
	}
	t.Fatalf("unknown engine %q", engineName)
	return nil
}

// wasmEngine returns the factory of the WebAssembly engine, loading the
// module once per test binary.
func wasmEngine(t testing.TB) native.EngineFactory {
	t.Helper()
	wasmOnce.Do(func() {
		ctx := context.Background()
		path, err := wasm.ModulePath(ctx, wasm.Reactor)
		if err != nil {
			wasmErr = err
			return
		}
		wasmRuntime, wasmErr = wasm.LoadFile(ctx, path, wasm.Options{})
	})
	if wasmErr != nil {
		t.Fatalf("wasm engine: %v", wasmErr)
	}
	return wasmRuntime.Factory()
}
