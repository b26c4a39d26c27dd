package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/wasm"
)

// wasmModule is the --wasm-module flag: the reactor module to run with
// --engine wasm.
var wasmModule string

func init() { engines["wasm"] = wasmEngine }

var wasmRuntime struct {
	once sync.Once
	rt   *wasm.Runtime
	err  error
}

// wasmEngine runs the core as a WebAssembly module under wazero. The
// module is compiled once per process (from the compilation cache after
// the first run).
func wasmEngine(ctx context.Context, cfg core.Config, seed [32]byte) (native.Engine, error) {
	wasmRuntime.once.Do(func() {
		path, err := findModule(ctx)
		if err != nil {
			wasmRuntime.err = err
			return
		}
		wasmRuntime.rt, wasmRuntime.err = wasm.LoadFile(ctx, path, wasm.Options{})
	})
	if wasmRuntime.err != nil {
		return nil, wasmRuntime.err
	}
	return wasmRuntime.rt.NewEngine(ctx, cfg, seed)
}

// findModule looks for hassauth.wasm: the flag, $HASSAUTH_WASM, beside the
// executable (make build puts it there), and last a build from the source
// tree the command runs in.
func findModule(ctx context.Context) (string, error) {
	if wasmModule != "" {
		return wasmModule, nil
	}
	if p := os.Getenv(wasm.EnvModule); p != "" {
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "hassauth.wasm")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return wasm.ModulePath(ctx, wasm.Reactor)
}
