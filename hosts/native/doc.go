// Package native runs hassauth's core in-process and carries out its
// effects: it is the host for Go programs and for the hassauth command.
//
// A Host owns one engine (the core, natively or as a WebAssembly module)
// and one goroutine that steps it. Everything the core asks for happens
// here: stored documents are written atomically (temporary file, fsync,
// rename, mode 0600) into <config>/.storage before any reply that depends on
// them; bcrypt runs on a worker pool; timers follow the core's deadline;
// IndieAuth fetches, command_line runs and notifications run on their own
// goroutines and come back as inputs.
//
// A Host is also an http.Handler serving Home Assistant's auth endpoints
// and /api/websocket:
//
//	h, err := native.Open(native.Options{ConfigDir: "config"})
//	if err != nil { ... }
//	defer h.Close()
//	http.ListenAndServe("127.0.0.1:8123", h)
//
// A panic in the core (or a trap in the WebAssembly engine) never takes a
// Host down: the input that caused it is answered with an internal error
// (500, a failed Call, a closed websocket) and the engine is rebuilt from
// its last snapshot by replaying the inputs since, which is exact because
// the core is deterministic; recovery.go explains the schedule of
// snapshots.
//
// Embedders use Call for the core's operations (creating users, checking
// access tokens for their own endpoints) and may mount the handler beside
// their own routes.
package native
