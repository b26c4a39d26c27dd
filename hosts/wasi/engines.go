package wasi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/wasm"
	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

// Engine is a core behind the wire: every method takes and returns the
// JSON of hosts/wasm/ABI.md, byte for byte what the engine produced, so
// that outputs of different engines can be compared as bytes. Errors are
// *abi.Error for an error envelope, other errors for a broken engine.
// Calls must not overlap.
type Engine interface {
	// Step runs an input's wire JSON and returns the output's.
	Step(ctx context.Context, input []byte) ([]byte, error)
	// Work computes a Work effect's wire JSON ({"work": {...}}) and
	// returns the WorkResult's.
	Work(ctx context.Context, work []byte) ([]byte, error)
	// Snapshot returns the core's snapshot.
	Snapshot(ctx context.Context) ([]byte, error)
	// Restore replaces the core with one rebuilt from a snapshot.
	Restore(ctx context.Context, snapshot []byte) error
	// Close stops the engine (and its process, if it has one).
	Close() error
}

// The kinds of engine Open knows.
const (
	// Native runs the core in this process, behind the same message layer
	// as the module (hosts/wasm/abi).
	Native = "native"
	// Wazero runs the reactor module in this process under wazero.
	Wazero = "wazero"
	// Node runs the reactor module in a Node.js child process through
	// node:wasi, speaking JSON lines (hosts/wasi/node/lines.mjs).
	Node = "node"
	// Command runs the JSON-lines command module (hosts/wasi/lines) under
	// wazero, as any WASI runtime would run it.
	Command = "command"
)

// Kinds lists every kind of engine, in the order a conformance run
// compares them.
var Kinds = []string{Native, Wazero, Node, Command}

// Open starts an engine of the given kind with a core built from cfg and
// seed. Modules come from $HASSAUTH_WASM and $HASSAUTH_WASI_COMMAND, or are
// built from the source tree the caller runs in (wasm.ModulePath); Node is
// $HASSAUTH_NODE or node on the PATH.
func Open(ctx context.Context, kind string, cfg core.Config, seed [32]byte) (Engine, error) {
	init := abi.AppendInit(nil, cfg, seed)
	switch kind {
	case Native:
		in := &abi.Instance{}
		if err := answer(in.Init(init)); err != nil {
			return nil, err
		}
		return &nativeEngine{in: in}, nil
	case Wazero:
		rt, err := sharedRuntime(ctx)
		if err != nil {
			return nil, err
		}
		e, err := rt.NewEngine(ctx, cfg, seed)
		if err != nil {
			return nil, err
		}
		return wazeroEngine{e}, nil
	case Node:
		module, err := wasm.ModulePath(ctx, wasm.Reactor)
		if err != nil {
			return nil, err
		}
		return StartNode(ctx, module, init)
	case Command:
		module, err := wasm.ModulePath(ctx, wasm.Command)
		if err != nil {
			return nil, err
		}
		return StartCommand(ctx, module, init)
	}
	return nil, fmt.Errorf("wasi: unknown engine kind %q", kind)
}

// answer returns the error an ABI answer holds.
func answer(b []byte) error {
	if e := abi.ParseError(b); e != nil {
		return e
	}
	return nil
}

func copyAnswer(b []byte) ([]byte, error) {
	if err := answer(b); err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

type nativeEngine struct{ in *abi.Instance }

func (e *nativeEngine) Step(_ context.Context, b []byte) ([]byte, error) {
	return copyAnswer(e.in.Step(b))
}
func (e *nativeEngine) Work(_ context.Context, b []byte) ([]byte, error) {
	return copyAnswer(e.in.Work(b))
}
func (e *nativeEngine) Snapshot(context.Context) ([]byte, error) { return copyAnswer(e.in.Snapshot()) }
func (e *nativeEngine) Restore(_ context.Context, b []byte) error {
	return answer(e.in.Restore(b))
}
func (e *nativeEngine) Close() error { return nil }

type wazeroEngine struct{ e *wasm.Engine }

func (w wazeroEngine) Step(ctx context.Context, b []byte) ([]byte, error) {
	return w.e.StepWire(ctx, b)
}
func (w wazeroEngine) Work(ctx context.Context, b []byte) ([]byte, error) {
	return w.e.WorkWire(ctx, b)
}
func (w wazeroEngine) Snapshot(ctx context.Context) ([]byte, error) { return w.e.Snapshot(ctx) }
func (w wazeroEngine) Restore(ctx context.Context, b []byte) error  { return w.e.Restore(ctx, b) }
func (w wazeroEngine) Close() error                                 { return w.e.Close(context.Background()) }

var shared struct {
	once sync.Once
	rt   *wasm.Runtime
	err  error
}

// sharedRuntime compiles the reactor once per process.
func sharedRuntime(ctx context.Context) (*wasm.Runtime, error) {
	shared.once.Do(func() {
		path, err := wasm.ModulePath(ctx, wasm.Reactor)
		if err != nil {
			shared.err = err
			return
		}
		shared.rt, shared.err = wasm.LoadFile(context.Background(), path, wasm.Options{})
	})
	return shared.rt, shared.err
}

// Lines is an engine on the other end of a JSON-lines pipe: a child
// process or a WASI command running in this process.
type Lines struct {
	w    io.WriteCloser
	r    *bufio.Reader
	stop func() error
	// dead is set once the other end failed; every later call fails.
	dead error
}

// NewLines speaks the JSON-lines protocol over w (the engine's stdin) and
// r (its stdout); stop is called by Close after w is closed.
func NewLines(w io.WriteCloser, r io.Reader, stop func() error) *Lines {
	return &Lines{w: w, r: bufio.NewReaderSize(r, 64<<10), stop: stop}
}

// Send writes one line (which must not contain a newline) and returns the
// answer line, without its newline.
func (l *Lines) Send(line []byte) ([]byte, error) {
	if l.dead != nil {
		return nil, l.dead
	}
	msg := make([]byte, 0, len(line)+1)
	msg = append(append(msg, line...), '\n')
	if _, err := l.w.Write(msg); err != nil {
		l.dead = fmt.Errorf("wasi: engine gone: %w", err)
		return nil, l.dead
	}
	out, err := l.r.ReadBytes('\n')
	if err != nil {
		l.dead = fmt.Errorf("wasi: engine gone: %w", err)
		return nil, l.dead
	}
	return out[:len(out)-1], nil
}

func (l *Lines) call(line []byte) ([]byte, error) {
	out, err := l.Send(line)
	if err != nil {
		return nil, err
	}
	return out, answer(out)
}

// Step implements Engine.
func (l *Lines) Step(_ context.Context, input []byte) ([]byte, error) { return l.call(input) }

// Work implements Engine.
func (l *Lines) Work(_ context.Context, work []byte) ([]byte, error) { return l.call(work) }

// Snapshot implements Engine.
func (l *Lines) Snapshot(context.Context) ([]byte, error) { return l.call([]byte(`{"snapshot":{}}`)) }

// Restore implements Engine.
func (l *Lines) Restore(_ context.Context, snapshot []byte) error {
	msg := append(append([]byte(`{"restore":`), snapshot...), '}')
	_, err := l.call(msg)
	return err
}

// Close implements Engine.
func (l *Lines) Close() error {
	l.w.Close()
	if l.stop != nil {
		return l.stop()
	}
	return nil
}

// Init replaces the engine's core with a new one built from cfg and seed,
// so that one process can serve many transcripts in turn.
func (l *Lines) Init(cfg core.Config, seed [32]byte) error {
	return l.init(abi.AppendInit(nil, cfg, seed))
}

// init sends the init line.
func (l *Lines) init(msg []byte) error {
	line := append(append([]byte(`{"init":`), msg...), '}')
	_, err := l.call(line)
	return err
}

// NodeDriver returns the path of hosts/wasi/node/lines.mjs in the source
// tree this package was built from, or $HASSAUTH_NODE_DRIVER.
func NodeDriver() string {
	if p := os.Getenv("HASSAUTH_NODE_DRIVER"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "node", "lines.mjs")
}

// StartNode runs the reactor module in Node.js (lines.mjs) and sends it
// the init message.
func StartNode(ctx context.Context, module string, init []byte) (*Lines, error) {
	node := os.Getenv("HASSAUTH_NODE")
	if node == "" {
		node = "node"
	}
	cmd := exec.CommandContext(ctx, node, "--no-warnings", NodeDriver(), module)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("wasi: starting node: %w", err)
	}
	l := NewLines(stdin, stdout, cmd.Wait)
	if err := l.init(init); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// StartCommand runs the JSON-lines command module under wazero, in this
// process, and sends it the init message.
func StartCommand(ctx context.Context, module string, init []byte) (*Lines, error) {
	b, err := os.ReadFile(module)
	if err != nil {
		return nil, err
	}
	rc := wazero.NewRuntimeConfig().WithCompilationCache(commandCache())
	rt := wazero.NewRuntimeWithConfig(context.Background(), rc)
	wasi_snapshot_preview1.MustInstantiate(context.Background(), rt)
	compiled, err := rt.CompileModule(ctx, b)
	if err != nil {
		rt.Close(context.Background())
		return nil, err
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := rt.InstantiateModule(context.Background(), compiled, wazero.NewModuleConfig().
			WithName("").WithStdin(inR).WithStdout(outW).WithStderr(os.Stderr).
			WithSysWalltime().WithSysNanotime().WithArgs("hassauth-lines"))
		outW.CloseWithError(errors.New("the command exited"))
		done <- err
	}()
	stop := func() error {
		err := <-done
		rt.Close(context.Background())
		if err != nil && !isExit0(err) {
			return err
		}
		return nil
	}
	l := NewLines(inW, outR, stop)
	if err := l.init(init); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

var commandCacheOnce = sync.OnceValue(func() wazero.CompilationCache {
	c, err := wazero.NewCompilationCacheWithDir(wasm.DefaultCacheDir())
	if err != nil {
		return wazero.NewCompilationCache()
	}
	return c
})

func commandCache() wazero.CompilationCache { return commandCacheOnce() }

// isExit0 reports whether err is a clean exit of the command.
func isExit0(err error) bool {
	type exitCoder interface{ ExitCode() uint32 }
	var ec exitCoder
	return errors.As(err, &ec) && ec.ExitCode() == 0
}
