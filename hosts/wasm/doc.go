// Package wasm runs hassauth's core as a WebAssembly module under wazero,
// the pure-Go runtime, and gives Go programs the same Engine as
// hosts/native's in-process one:
//
//	rt, err := wasm.LoadFile(ctx, "bin/hassauth.wasm", wasm.Options{})
//	h, err := native.Open(native.Options{ConfigDir: "config", Engine: rt.Factory()})
//
// The module is a reactor (guest/, built by make wasm) whose exports and
// messages ABI.md describes; abi/ is the message layer it shares with the
// JSON-lines command. A Runtime compiles the module once, using a
// compilation cache directory so that later starts skip the compilation;
// each Engine calls one instance serially for the core and runs password
// work on a pool of other instances. A trap kills only its instance:
// Restore builds a new one from the init message and a snapshot.
//
// ModulePath builds the module from the source tree when a test or tool
// needs it and none was built, keyed by a digest of the sources so that a
// stale build is never used.
//
// This package must not be imported by the core; it owns no state of the
// core's and carries out no effects itself (hosts/native does).
package wasm
