package main

import (
	"context"

	"github.com/hassauth/hassauth/hosts/wasi"
	"github.com/hassauth/hassauth/testvectors"
)

// engines builds each engine by name, with a function that releases it.
// The WebAssembly engines come from hosts/wasi: "wazero" runs the reactor
// in this process, "node" runs it in one Node.js process (re-initialized
// for each transcript), and "command" runs the JSON-lines command module
// under wazero.
var engines = map[string]func() (testvectors.Engine, func(), error){
	"native":  func() (testvectors.Engine, func(), error) { return testvectors.Native, func() {}, nil },
	"wazero":  wireEngine(wasi.Wazero),
	"node":    wireEngine(wasi.Node),
	"command": wireEngine(wasi.Command),
}

func wireEngine(kind string) func() (testvectors.Engine, func(), error) {
	return func() (testvectors.Engine, func(), error) {
		e := &wire{kind: kind}
		return e, e.close, nil
	}
}

// wire adapts a hosts/wasi engine to testvectors.Engine. Engines that live
// in a process of their own keep one and re-initialize it per transcript:
// the runner uses one instance at a time.
type wire struct {
	kind  string
	lines *wasi.Lines
}

func (e *wire) Name() string { return e.kind }

func (e *wire) New(config []byte, seed [32]byte) (testvectors.Instance, error) {
	cfg, err := testvectors.DecodeConfig(config)
	if err != nil {
		return nil, err
	}
	if e.lines != nil {
		if err := e.lines.Init(cfg, seed); err != nil {
			return nil, err
		}
		return &wireInstance{e: e.lines, keep: true}, nil
	}
	w, err := wasi.Open(context.Background(), e.kind, cfg, seed)
	if err != nil {
		return nil, err
	}
	if l, ok := w.(*wasi.Lines); ok {
		e.lines = l
		return &wireInstance{e: l, keep: true}, nil
	}
	return &wireInstance{e: w}, nil
}

func (e *wire) close() {
	if e.lines != nil {
		e.lines.Close()
	}
}

type wireInstance struct {
	e wasi.Engine
	// keep leaves the engine running for the next transcript.
	keep bool
}

func (i *wireInstance) Step(input []byte) ([]byte, error) {
	return i.e.Step(context.Background(), input)
}

func (i *wireInstance) Close() error {
	if i.keep {
		return nil
	}
	return i.e.Close()
}
