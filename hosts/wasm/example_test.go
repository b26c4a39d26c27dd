package wasm_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/wasm"
)

// Example runs the core in WebAssembly and asks it for the auth providers,
// as a client's first request would.
func Example() {
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor) // or "bin/hassauth.wasm" after make wasm
	if err != nil {
		log.Fatal(err)
	}
	rt, err := wasm.LoadFile(ctx, path, wasm.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	e, err := rt.NewEngine(ctx, core.Config{}, [32]byte{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close(ctx)

	now := int64(1788256800_000000)
	if _, err := e.Step(ctx, core.Input{Now: now, Load: &core.Load{}}); err != nil {
		log.Fatal(err)
	}
	out, err := e.Step(ctx, core.Input{Now: now, HTTP: &core.HTTPRequest{ID: 1, Method: "GET", Path: "/auth/providers", Remote: "127.0.0.1"}})
	if err != nil {
		log.Fatal(err)
	}
	r := out.Effects[0].Reply
	fmt.Println(r.Status, string(r.Body))
	// Output: 400 {"message":"Onboarding not finished","code":"onboarding_required"}
}
