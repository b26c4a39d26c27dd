package main

import "github.com/hassauth/hassauth/testvectors"

// engines builds each engine by name, with a function that releases it.
// The WebAssembly engines join here: "wazero" (hosts/wasm) and "node"
// (hosts/wasi), each adapted to testvectors.Engine.
var engines = map[string]func() (testvectors.Engine, func(), error){
	"native": func() (testvectors.Engine, func(), error) { return testvectors.Native, func() {}, nil },
}
