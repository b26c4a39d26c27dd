// Package wasi drives hassauth's core over the wire, through whatever
// runs it: natively, as the reactor module under wazero, as the reactor in
// Node.js (node/lines.mjs, through node:wasi), or as the JSON-lines
// command module (./lines) under any WASI runtime. Every Engine takes and
// returns the JSON of hosts/wasm/ABI.md, so the conformance vectors can
// run one transcript through all of them and compare bytes.
//
// The Node.js host itself is plain JavaScript in ./node, with its own
// tests (node --test hosts/wasi/node/).
package wasi
