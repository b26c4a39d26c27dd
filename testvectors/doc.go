// Package testvectors holds hassauth's conformance vectors and the runner
// that every engine must pass.
//
// A vector file (testvectors/<suite>.json) is a Wycheproof-style envelope
// whose tests are transcripts: a configuration and seed, the stored
// documents the core starts from, then steps of one wire-JSON input and the
// exact wire-JSON output the core must give for it. The format is described
// in README.md and vectors_schema_v1.json beside this file.
//
// The package owns the file format (File, Read, Encode), the configuration's
// JSON form used by the vectors (EncodeConfig, DecodeConfig), the engine
// interface an implementation of the core must provide (Engine, Instance),
// the native engine, Run, which drives vectors through an engine,
// compares every output byte for byte and keeps a running SHA-256 of them,
// and Mix, the same tests as plain transcripts (the vector message mix the
// per-message budgets of hosts/wasi time engines on).
//
// It must not decide what the core should do: the vectors are produced by
// the scenarios in internal/scenario, which assert Home Assistant's
// behaviour on their own before anything is recorded.
package testvectors
