// Command lines is hassauth's core behind the JSON-lines protocol: one
// message per line on stdin, one answer per line on stdout (see
// hosts/wasm/ABI.md). Built for WASI it runs under any WASI runtime:
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags='-s -w' -o hassauth-lines.wasm ./hosts/wasi/lines
//	wasmtime hassauth-lines.wasm < transcript.jsonl
//
// It also builds natively, which gives the same answers without
// WebAssembly.
package main

import (
	"fmt"
	"os"

	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

func main() {
	if err := abi.ServeLines(os.Stdin, os.Stdout, &abi.Instance{}); err != nil {
		fmt.Fprintln(os.Stderr, "hassauth-lines:", err)
		os.Exit(1)
	}
}
