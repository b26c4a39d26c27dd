// Package core is hassauth's auth engine: Home Assistant's auth component as
// one side-effect-free state machine.
//
// A host drives it with one call:
//
//	c, _ := core.New(cfg, seed)
//	out := c.Step(core.Input{Now: nowMicros, Load: &core.Load{...}})
//	for {
//	    // apply out.Effects in order: writes before the replies that follow
//	    // them, work and fetches on other threads, their results fed back as
//	    // inputs; sleep until out.Deadline or the next event
//	    out = c.Step(nextInput)
//	}
//
// Every input carries the host's clock (Now, Unix microseconds); randomness
// comes from the seed given to New, expanded by a ChaCha8 generator whose
// state is part of the snapshot. The package reads no clock, starts no
// goroutine and touches no file, socket, environment or process: a test
// fails if it imports anything that could. The same seed, configuration and
// inputs give byte-identical outputs on every engine (native Go, wazero,
// Node.js).
//
// The effects a host must carry out are listed on Effect. Their order is a
// contract: a Write or Append that precedes a Reply must be durable before
// that reply is sent, so that every change a reply reports survives a crash.
//
// Files are named by what they handle: http_token.go is POST /auth/token,
// loginflow.go the login flows, ws_auth.go the websocket auth phase and so
// on; strings.go holds every Home Assistant string of the protocol.
package core
