package native

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/hassauth/hassauth/core"
)

// Engine is what a Host drives: the core's Step and its pure work function.
// The native engine calls the core directly; hosts/wasm provides one that
// runs the same core as a WebAssembly module.
type Engine interface {
	// Step handles one input. An error means the engine failed (a panic or
	// a trap); the host answers the input with an internal error and calls
	// Recover.
	Step(ctx context.Context, in core.Input) (core.Output, error)
	// Work computes a Work effect; it may be called from many goroutines.
	Work(ctx context.Context, w core.Work) (core.WorkResult, error)
	// Snapshot returns the engine's state.
	Snapshot(ctx context.Context) ([]byte, error)
	// Restore replaces the engine's state with a snapshot, rebuilding the
	// engine if it is broken.
	Restore(ctx context.Context, snapshot []byte) error
	// Close releases the engine.
	Close(ctx context.Context) error
}

// EngineFactory builds an engine for a configuration and seed.
type EngineFactory func(ctx context.Context, cfg core.Config, seed [32]byte) (Engine, error)

// NativeEngine builds the in-process engine.
func NativeEngine(_ context.Context, cfg core.Config, seed [32]byte) (Engine, error) {
	c, err := core.New(cfg, seed)
	if err != nil {
		return nil, err
	}
	return &nativeEngine{cfg: cfg, c: c}, nil
}

type nativeEngine struct {
	cfg core.Config
	c   *core.Core
}

// PanicError is a panic inside the core, turned into an error.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("core panicked: %v", e.Value) }

func (e *nativeEngine) Step(_ context.Context, in core.Input) (out core.Output, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return e.c.Step(in), nil
}

func (e *nativeEngine) Work(_ context.Context, w core.Work) (r core.WorkResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return core.DoWork(w), nil
}

func (e *nativeEngine) Snapshot(context.Context) ([]byte, error) { return e.c.Snapshot() }

func (e *nativeEngine) Restore(_ context.Context, snap []byte) error {
	c, err := core.Restore(e.cfg, snap)
	if err != nil {
		return err
	}
	e.c = c
	return nil
}

func (e *nativeEngine) Close(context.Context) error { return nil }
