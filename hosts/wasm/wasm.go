package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

// Options configure a Runtime.
type Options struct {
	// CacheDir holds wazero's compilation cache, which turns a start that
	// compiles the module (most of a second) into one that loads it. Empty
	// means <user cache dir>/hassauth/wazero; "-" means no cache.
	CacheDir string
	// Workers is how many instances compute password work at once; 0 means
	// one fewer than the CPUs, at least one.
	Workers int
	// MemoryLimitPages caps each instance's linear memory (64 KiB pages);
	// 0 means wazero's limit of 4 GiB. On Linux each instance reserves its
	// limit as address space up front, so that growing never copies the
	// memory; only the pages the module uses take memory, and they are
	// not Go heap (GOMEMLIMIT does not see them).
	MemoryLimitPages uint32
	// Stderr receives what the guest writes to stderr (a panic's trace);
	// nil keeps only the tail, for errors.
	Stderr io.Writer
}

// Runtime is a compiled hassauth module from which engines are made. It is
// safe for concurrent use.
type Runtime struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	opts     Options

	mu     sync.Mutex
	closed bool
	// live are the instances not closed yet, which Close closes first;
	// starting counts instantiations under way, which Close waits for.
	live     map[*instance]struct{}
	starting sync.WaitGroup
}

// DefaultCacheDir returns the compilation cache directory used when
// Options.CacheDir is empty.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "hassauth", "wazero")
}

// Load compiles a module (the bytes of hassauth.wasm).
func Load(ctx context.Context, module []byte, opts Options) (*Runtime, error) {
	rc := wazero.NewRuntimeConfig()
	if opts.MemoryLimitPages > 0 {
		rc = rc.WithMemoryLimitPages(opts.MemoryLimitPages)
	}
	if opts.CacheDir != "-" {
		dir := opts.CacheDir
		if dir == "" {
			dir = DefaultCacheDir()
		}
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return nil, fmt.Errorf("wasm: compilation cache: %w", err)
		}
		rc = rc.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	compiled, err := rt.CompileModule(ctx, module)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasm: compile: %w", err)
	}
	for _, name := range []string{"hassauth_abi_version", "hassauth_alloc", "hassauth_init", "hassauth_step", "hassauth_work", "hassauth_snapshot", "hassauth_restore"} {
		if _, ok := compiled.ExportedFunctions()[name]; !ok {
			rt.Close(ctx)
			return nil, fmt.Errorf("wasm: the module does not export %s: not a hassauth reactor", name)
		}
	}
	return &Runtime{rt: rt, compiled: compiled, opts: opts, live: map[*instance]struct{}{}}, nil
}

// LoadFile compiles the module at path.
func LoadFile(ctx context.Context, path string, opts Options) (*Runtime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Load(ctx, b, opts)
}

// ErrClosed is returned by engines whose Runtime (or themselves) were
// closed.
var ErrClosed = errors.New("wasm: closed")

// Close releases the runtime and every instance made from it. A call in
// progress on an instance finishes first; engines made from the runtime
// answer ErrClosed from then on.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	// No instantiation starts once closed is set; those under way end
	// registered or closed.
	r.starting.Wait()
	r.mu.Lock()
	live := make([]*instance, 0, len(r.live))
	for i := range r.live {
		live = append(live, i)
	}
	r.mu.Unlock()
	for _, i := range live {
		i.close(ctx)
	}
	return r.rt.Close(ctx)
}

// Factory returns an EngineFactory for hosts/native.
func (r *Runtime) Factory() native.EngineFactory {
	return func(ctx context.Context, cfg core.Config, seed [32]byte) (native.Engine, error) {
		return r.NewEngine(ctx, cfg, seed)
	}
}

// instance is one instantiation of the module.
type instance struct {
	r        *Runtime
	mod      api.Module
	version  api.Function
	alloc    api.Function
	init     api.Function
	step     api.Function
	work     api.Function
	snapshot api.Function
	restore  api.Function
	stderr   *tail

	// stack holds the arguments and the result of every call, so that a
	// call allocates nothing on this side.
	stack [2]uint64
	// inPtr and inLen are the buffer the last hassauth_alloc returned: a
	// message no longer than inLen is written there without another call.
	inPtr, inLen uint32

	// mu is held for a call and for closing: an instance's memory is never
	// released under a call that uses it.
	mu     sync.Mutex
	closed bool
}

func (r *Runtime) instantiate(ctx context.Context) (*instance, error) {
	t := &tail{w: r.opts.Stderr}
	mc := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStderr(t)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	r.starting.Add(1)
	r.mu.Unlock()
	defer r.starting.Done()
	mod, err := r.rt.InstantiateModule(experimental.WithMemoryAllocator(ctx, memoryAllocator()), r.compiled, mc)
	if err != nil {
		return nil, fmt.Errorf("wasm: instantiate: %w", err)
	}
	f := mod.ExportedFunction
	inst := &instance{r: r, mod: mod, version: f("hassauth_abi_version"), alloc: f("hassauth_alloc"), init: f("hassauth_init"),
		step: f("hassauth_step"), work: f("hassauth_work"), snapshot: f("hassauth_snapshot"), restore: f("hassauth_restore"), stderr: t}
	// Every instance checks, which costs a call: no separate instance
	// just for the check.
	err = inst.version.CallWithStack(ctx, inst.stack[:])
	if v := int32(inst.stack[0]); err == nil && v != abi.Version {
		err = fmt.Errorf("wasm: module speaks ABI version %d, this host %d", v, abi.Version)
	}
	if err != nil {
		mod.Close(ctx)
		return nil, err
	}
	r.mu.Lock()
	r.live[inst] = struct{}{}
	r.mu.Unlock()
	return inst, nil
}

// close closes the instance once, after any call in progress.
func (i *instance) close(ctx context.Context) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closed {
		return
	}
	i.closed = true
	i.mod.Close(ctx)
	i.r.mu.Lock()
	delete(i.r.live, i)
	i.r.mu.Unlock()
}

// TrapError is a call that trapped (or made the guest exit): the instance
// is gone.
type TrapError struct {
	Err error
	// Stderr is the end of what the guest wrote before it died.
	Stderr string
}

func (e *TrapError) Error() string {
	if e.Stderr != "" {
		return "wasm: the module trapped: " + e.Err.Error() + ": " + e.Stderr
	}
	return "wasm: the module trapped: " + e.Err.Error()
}

func (e *TrapError) Unwrap() error { return e.Err }

// call writes msg into the instance, calls fn on it (or with no arguments
// when msg is nil and fn takes none) and returns a copy of the answer.
func (i *instance) call(ctx context.Context, fn api.Function, msg []byte, withArgs bool) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closed {
		return nil, ErrClosed
	}
	if withArgs {
		if uint32(len(msg)) > i.inLen || i.inPtr == 0 {
			i.stack[0] = uint64(len(msg))
			if err := i.alloc.CallWithStack(ctx, i.stack[:]); err != nil {
				return nil, &TrapError{Err: err, Stderr: i.stderr.String()}
			}
			i.inPtr, i.inLen = uint32(i.stack[0]), uint32(len(msg))
		}
		if len(msg) > 0 && !i.mod.Memory().Write(i.inPtr, msg) {
			i.inLen = 0
			return nil, errors.New("wasm: hassauth_alloc returned memory out of range")
		}
		i.stack[0], i.stack[1] = uint64(i.inPtr), uint64(len(msg))
	}
	if err := fn.CallWithStack(ctx, i.stack[:]); err != nil {
		return nil, &TrapError{Err: err, Stderr: i.stderr.String()}
	}
	ptr, n := uint32(i.stack[0]>>32), uint32(i.stack[0])
	out, ok := i.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, errors.New("wasm: answer out of range")
	}
	return append([]byte(nil), out...), nil
}

// tail keeps the last few kilobytes written to it.
type tail struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w != nil {
		t.w.Write(p)
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-4096:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Engine runs one core in one instance of the module, called serially,
// and password work on a pool of other instances. It implements
// hosts/native's Engine; StepWire and the other *Wire methods take and
// return the ABI's JSON directly.
type Engine struct {
	r    *Runtime
	init []byte

	mu   sync.Mutex
	main *instance // nil after a trap, until Restore

	pool chan *instance
	// slots bounds the work instances.
	slots chan struct{}
	// poolMu orders returning an instance to the pool against Close
	// draining it, so that no instance outlives the engine.
	poolMu sync.Mutex
	closed bool
}

// NewEngine instantiates the module and initializes a core in it.
func (r *Runtime) NewEngine(ctx context.Context, cfg core.Config, seed [32]byte) (*Engine, error) {
	workers := r.opts.Workers
	if workers <= 0 {
		workers = max(1, runtime.NumCPU()-1)
	}
	e := &Engine{r: r, init: abi.AppendInit(nil, cfg, seed), pool: make(chan *instance, workers), slots: make(chan struct{}, workers)}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// start makes a fresh main instance with a core built from the init
// message.
func (e *Engine) start(ctx context.Context) error {
	inst, err := e.r.instantiate(ctx)
	if err != nil {
		return err
	}
	out, err := inst.call(ctx, inst.init, e.init, true)
	if err == nil {
		if ae := abi.ParseError(out); ae != nil {
			err = ae
			if ae.Code == abi.CodeConfig {
				err = &core.ConfigError{Key: "config", Message: ae.Message}
			}
		}
	}
	if err != nil {
		inst.close(ctx)
		return err
	}
	e.main = inst
	return nil
}

// Init replaces the engine's core with a new one built from cfg and seed,
// in the same instance (rebuilt first if it trapped). Later restarts after
// a trap use this configuration.
func (e *Engine) Init(ctx context.Context, cfg core.Config, seed [32]byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.isClosed() {
		return ErrClosed
	}
	msg := abi.AppendInit(nil, cfg, seed)
	if e.main == nil {
		old := e.init
		e.init = msg
		if err := e.start(ctx); err != nil {
			e.init = old
			return err
		}
		return nil
	}
	out, err := e.main.call(ctx, e.main.init, msg, true)
	if err != nil {
		var te *TrapError
		if errors.As(err, &te) {
			e.main.close(ctx)
			e.main = nil
		}
		return err
	}
	if ae := abi.ParseError(out); ae != nil {
		if ae.Code == abi.CodeConfig {
			return &core.ConfigError{Key: "config", Message: ae.Message}
		}
		return ae
	}
	e.init = msg
	return nil
}

// ErrBroken is returned after a trap until Restore rebuilds the instance.
var ErrBroken = errors.New("wasm: the instance trapped; restore it")

// callMain runs fn on the main instance, forgetting the instance when it
// traps.
func (e *Engine) callMain(ctx context.Context, fn func(*instance) api.Function, msg []byte, withArgs bool) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.main == nil {
		if e.isClosed() {
			return nil, ErrClosed
		}
		return nil, ErrBroken
	}
	out, err := e.main.call(ctx, fn(e.main), msg, withArgs)
	if err != nil {
		var te *TrapError
		if errors.As(err, &te) {
			e.main.close(ctx)
			e.main = nil
		}
		return nil, err
	}
	if ae := abi.ParseError(out); ae != nil {
		return nil, ae
	}
	return out, nil
}

// StepWire runs an input's wire JSON and returns the output's.
func (e *Engine) StepWire(ctx context.Context, input []byte) ([]byte, error) {
	return e.callMain(ctx, func(i *instance) api.Function { return i.step }, input, true)
}

// Step implements native.Engine.
func (e *Engine) Step(ctx context.Context, in core.Input) (core.Output, error) {
	out, err := e.StepWire(ctx, core.AppendInput(nil, in))
	if err != nil {
		return core.Output{}, err
	}
	return core.ParseOutput(out)
}

// WorkWire computes a Work effect's wire JSON on a work instance and
// returns the result's wire JSON. It may be called from many goroutines.
func (e *Engine) WorkWire(ctx context.Context, work []byte) ([]byte, error) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.slots }()
	var inst *instance
	select {
	case inst = <-e.pool:
	default:
		if e.isClosed() {
			return nil, ErrClosed
		}
		var err error
		if inst, err = e.r.instantiate(ctx); err != nil {
			return nil, err
		}
	}
	out, err := inst.call(ctx, inst.work, work, true)
	if err != nil {
		inst.close(ctx)
		return nil, err
	}
	e.poolMu.Lock()
	if e.closed {
		inst.close(ctx)
	} else {
		e.pool <- inst // never blocks: slots bound the instances
	}
	e.poolMu.Unlock()
	if ae := abi.ParseError(out); ae != nil {
		return nil, ae
	}
	return out, nil
}

// Work implements native.Engine.
func (e *Engine) Work(ctx context.Context, w core.Work) (core.WorkResult, error) {
	out, err := e.WorkWire(ctx, core.AppendWork(nil, w))
	if err != nil {
		return core.WorkResult{}, err
	}
	return core.ParseWorkResult(out)
}

// Snapshot implements native.Engine.
func (e *Engine) Snapshot(ctx context.Context) ([]byte, error) {
	return e.callMain(ctx, func(i *instance) api.Function { return i.snapshot }, nil, false)
}

// Restore implements native.Engine: it rebuilds the instance if it
// trapped, then restores the snapshot into it.
func (e *Engine) Restore(ctx context.Context, snapshot []byte) error {
	e.mu.Lock()
	if e.isClosed() {
		e.mu.Unlock()
		return ErrClosed
	}
	if e.main == nil {
		if err := e.start(ctx); err != nil {
			e.mu.Unlock()
			return err
		}
	}
	e.mu.Unlock()
	_, err := e.callMain(ctx, func(i *instance) api.Function { return i.restore }, snapshot, true)
	return err
}

func (e *Engine) isClosed() bool {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	return e.closed
}

// Close implements native.Engine. It closes the engine's instances, not
// the Runtime.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.main != nil {
		e.main.close(ctx)
		e.main = nil
	}
	e.mu.Unlock()
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	e.closed = true
	for {
		select {
		case inst := <-e.pool:
			inst.close(ctx)
		default:
			return nil
		}
	}
}

var _ native.Engine = (*Engine)(nil)
