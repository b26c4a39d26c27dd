package wasm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/wasm"
	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

var (
	rtOnce sync.Once
	rt     *wasm.Runtime
	rtErr  error
)

// runtimeForTest compiles the module once per test binary, building it
// first when needed.
func runtimeForTest(t testing.TB) *wasm.Runtime {
	t.Helper()
	rtOnce.Do(func() {
		ctx := context.Background()
		path, err := wasm.ModulePath(ctx, wasm.Reactor)
		if err != nil {
			rtErr = err
			return
		}
		rt, rtErr = wasm.LoadFile(ctx, path, wasm.Options{Workers: 2})
	})
	require.NoError(t, rtErr)
	return rt
}

var seed = [32]byte{1, 2, 3}

// script is a small session: a load, a user, a login through to tokens,
// a refresh, and time passing past the delayed write.
func script() []core.Input {
	const client = "https://example.com/app"
	return []core.Input{
		{Now: 1_000_000, Load: &core.Load{}},
		{Now: 2_000_000, Call: &core.Call{ID: 1, Op: core.OpCreateUser, Args: []byte(`{"username":"alice","password":"secret pass"}`)}},
		{Now: 3_000_000, HTTP: &core.HTTPRequest{ID: 1, Method: "POST", Path: "/auth/login_flow", Remote: "192.168.1.2:5000",
			Body: []byte(`{"client_id":"` + client + `","handler":["homeassistant",null],"redirect_uri":"` + client + `/cb"}`)}},
		{Now: 5_000_000, Tick: &core.Tick{}},
		{Now: 400_000_000, Tick: &core.Tick{}},
	}
}

// drive runs inputs through an engine, computing work inline, and returns
// the wire JSON of every output.
func drive(t *testing.T, e native.Engine, inputs []core.Input) [][]byte {
	t.Helper()
	ctx := context.Background()
	var outs [][]byte
	queue := append([]core.Input(nil), inputs...)
	for len(queue) > 0 {
		in := queue[0]
		queue = queue[1:]
		out, err := e.Step(ctx, in)
		require.NoError(t, err)
		outs = append(outs, core.AppendOutput(nil, out))
		for _, ef := range out.Effects {
			if ef.Work != nil {
				r, err := e.Work(ctx, *ef.Work)
				require.NoError(t, err)
				queue = append([]core.Input{{Now: in.Now, WorkDone: &r}}, queue...)
			}
		}
	}
	return outs
}

func testConfig() core.Config { return core.Config{BcryptCost: 4, FaultInjection: true} }

// TestEngineMatchesNative runs the same inputs through the native engine
// and the WebAssembly one and compares every output byte for byte.
func TestEngineMatchesNative(t *testing.T) {
	ctx := context.Background()
	r := runtimeForTest(t)
	we, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	defer we.Close(ctx)
	ne, err := native.NativeEngine(ctx, testConfig(), seed)
	require.NoError(t, err)

	want := drive(t, ne, script())
	got := drive(t, we, script())
	require.Equal(t, len(want), len(got))
	for i := range want {
		assert.Equal(t, string(want[i]), string(got[i]), "output %d", i)
	}
	assert.Contains(t, string(bytes.Join(want, nil)), `{"write":{"path":".storage/auth"`, "the delayed write happened")

	ws, err := we.Snapshot(ctx)
	require.NoError(t, err)
	ns, err := ne.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, string(ns), string(ws), "snapshots are the same bytes too")
}

func TestEngineRefusesBadConfig(t *testing.T) {
	r := runtimeForTest(t)
	_, err := r.NewEngine(context.Background(), core.Config{Providers: []core.ProviderConfig{{Type: "nope"}}}, seed)
	var ce *core.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Message, `unknown auth provider type "nope"`)
}

// TestEngineInit replaces a used core with a new one in the same instance:
// the new core answers as a fresh engine would, a refused configuration
// leaves the old core in place, and a trapped instance is rebuilt.
func TestEngineInit(t *testing.T) {
	ctx := context.Background()
	r := runtimeForTest(t)
	fresh, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	defer fresh.Close(ctx)
	want := drive(t, fresh, script())

	e, err := r.NewEngine(ctx, core.Config{}, [32]byte{7})
	require.NoError(t, err)
	defer e.Close(ctx)
	drive(t, e, script()[:3])
	require.NoError(t, e.Init(ctx, testConfig(), seed))
	got := drive(t, e, script())
	require.Equal(t, len(want), len(got))
	for i := range want {
		assert.Equal(t, string(want[i]), string(got[i]), "output %d", i)
	}

	var ce *core.ConfigError
	require.ErrorAs(t, e.Init(ctx, core.Config{Providers: []core.ProviderConfig{{Type: "nope"}}}, seed), &ce)
	_, err = e.Step(ctx, core.Input{Now: 500_000_000, Call: &core.Call{ID: 11, Op: core.OpListUsers}})
	require.NoError(t, err, "the core before the refused init still answers")

	_, err = e.Step(ctx, core.Input{Now: 500_000_000, Call: &core.Call{ID: 12, Op: core.OpFault, Args: []byte(`{"trap":true}`)}})
	var te *wasm.TrapError
	require.ErrorAs(t, err, &te)
	require.NoError(t, e.Init(ctx, testConfig(), seed), "init rebuilds a trapped instance")
	got = drive(t, e, script())
	assert.Equal(t, string(want[len(want)-1]), string(got[len(got)-1]))
}

// TestEngineSurvivesFaults makes the core panic inside the module, once as
// an error the guest reports and once as a trap, and checks that the engine
// refuses to go on until restored, and then carries on from the snapshot.
func TestEngineSurvivesFaults(t *testing.T) {
	ctx := context.Background()
	r := runtimeForTest(t)
	for _, tc := range []struct {
		name string
		args string
		want func(t *testing.T, err error)
	}{
		{"panic", `{}`, func(t *testing.T, err error) {
			var ae *abi.Error
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, abi.CodePanic, ae.Code)
			assert.Contains(t, ae.Message, "injected fault")
		}},
		{"trap", `{"trap":true}`, func(t *testing.T, err error) {
			var te *wasm.TrapError
			require.ErrorAs(t, err, &te)
			assert.Contains(t, te.Stderr, "deadlock")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := r.NewEngine(ctx, testConfig(), seed)
			require.NoError(t, err)
			defer e.Close(ctx)
			drive(t, e, script()[:2])
			snap, err := e.Snapshot(ctx)
			require.NoError(t, err)

			_, err = e.Step(ctx, core.Input{Now: 3_000_000, Call: &core.Call{ID: 9, Op: core.OpFault, Args: []byte(tc.args)}})
			tc.want(t, err)
			_, err = e.Step(ctx, core.Input{Now: 3_000_000, Call: &core.Call{ID: 10, Op: core.OpListUsers}})
			require.Error(t, err, "a failed instance refuses to go on")

			require.NoError(t, e.Restore(ctx, snap))
			out, err := e.Step(ctx, core.Input{Now: 3_000_000, Call: &core.Call{ID: 10, Op: core.OpListUsers}})
			require.NoError(t, err)
			var result *core.Result
			for _, ef := range out.Effects {
				if ef.Result != nil {
					result = ef.Result
				}
			}
			require.NotNil(t, result)
			assert.Contains(t, string(result.Value), `"alice"`)
		})
	}
}

// TestWorkRunsConcurrently checks that password work runs on instances of
// its own while the main one steps.
func TestWorkRunsConcurrently(t *testing.T) {
	ctx := context.Background()
	r := runtimeForTest(t)
	e, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	defer e.Close(ctx)
	hash := core.DoWork(core.Work{Kind: core.WorkHashPassword, Password: "pw", Salt: bytes.Repeat([]byte{7}, 16), Cost: 4}).Hash
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			res, err := e.Work(ctx, core.Work{ID: uint64(i), Kind: core.WorkCheckPassword, Password: "pw", Hash: hash})
			assert.NoError(t, err)
			assert.True(t, res.Match)
			assert.Equal(t, uint64(i), res.ID)
		})
	}
	out, err := e.Step(ctx, core.Input{Now: 1, Load: &core.Load{}})
	require.NoError(t, err)
	assert.NotZero(t, out.Deadline)
	wg.Wait()
}

func TestWireErrors(t *testing.T) {
	ctx := context.Background()
	e, err := runtimeForTest(t).NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	defer e.Close(ctx)
	_, err = e.StepWire(ctx, []byte(`{"now":1,"tick":{},"load":{}}`))
	var ae *abi.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, abi.CodeBadRequest, ae.Code)
	_, err = e.WorkWire(ctx, []byte(`{"nope":1}`))
	require.ErrorAs(t, err, &ae)
	// Errors are data: the instance is still fine.
	out, err := e.StepWire(ctx, []byte(`{"now":1,"load":{"files":[]}}`))
	require.NoError(t, err)
	assert.True(t, json.Valid(out))
}

// TestStartTimes reports how long the module takes to start with an empty
// compilation cache and with a warm one. It asserts nothing about time;
// the figures go to the test log (go test -v -run StartTimes).
func TestStartTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the module twice")
	}
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(t, err)
	module, err := os.ReadFile(path)
	require.NoError(t, err)
	dir := t.TempDir()
	start := func() time.Duration {
		t0 := time.Now()
		r, err := wasm.Load(ctx, module, wasm.Options{CacheDir: dir})
		require.NoError(t, err)
		e, err := r.NewEngine(ctx, core.Config{}, seed)
		require.NoError(t, err)
		d := time.Since(t0)
		e.Close(ctx)
		r.Close(ctx)
		return d
	}
	cold := start()
	warm := start()
	t.Logf("module %d bytes; start with an empty cache %v, with a warm cache %v", len(module), cold, warm)
	assert.Less(t, warm, cold)
	_, err = wasm.Load(ctx, []byte("\x00asm\x01\x00\x00\x00"), wasm.Options{CacheDir: "-"})
	assert.Error(t, err)
	assert.False(t, errors.Is(err, wasm.ErrBroken))
}

// TestMemoryLimit runs an instance under Options.MemoryLimitPages: a small
// session fits, and an input that cannot fit in the limit is an error of
// that input, not a crash of the host.
func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(t, err)
	const limit = 1024 // pages: 64 MiB
	r, err := wasm.LoadFile(ctx, path, wasm.Options{Workers: 1, MemoryLimitPages: limit})
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(ctx) })

	e, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	defer e.Close(ctx)
	drive(t, e, script()[:2])

	big := bytes.Repeat([]byte(" "), 80<<20)
	_, err = e.Step(ctx, core.Input{Now: 3_000_000, Load: &core.Load{Files: []core.File{{Path: ".storage/auth", Data: big}}}})
	var te *wasm.TrapError
	require.ErrorAs(t, err, &te, "80 MiB cannot enter a 64 MiB memory")
	assert.Contains(t, te.Stderr, "out of memory")
}

// TestRuntimeClose closes a Runtime under engines made from it, once while
// password work runs on one of its instances: the work finishes or fails,
// nothing crashes, and the engines answer ErrClosed from then on.
func TestRuntimeClose(t *testing.T) {
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(t, err)
	r, err := wasm.LoadFile(ctx, path, wasm.Options{Workers: 1})
	require.NoError(t, err)
	e, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	drive(t, e, script()[:2])

	work := core.Work{ID: 1, Kind: core.WorkHashPassword, Password: "secret pass", Salt: make([]byte, 16), Cost: 8}
	done := make(chan error, 1)
	go func() {
		_, err := e.Work(ctx, work)
		done <- err
	}()
	require.NoError(t, r.Close(ctx))
	if err := <-done; err != nil {
		assert.ErrorIs(t, err, wasm.ErrClosed, "work cut short by the close fails as closed")
	}

	_, err = e.Step(ctx, core.Input{Now: 3_000_000, Call: &core.Call{ID: 10, Op: core.OpListUsers}})
	assert.ErrorIs(t, err, wasm.ErrClosed)
	_, err = e.Work(ctx, work)
	assert.ErrorIs(t, err, wasm.ErrClosed)
	_, err = e.Snapshot(ctx)
	assert.ErrorIs(t, err, wasm.ErrClosed)
	assert.NoError(t, e.Close(ctx))
	_, err = r.NewEngine(ctx, testConfig(), seed)
	assert.ErrorIs(t, err, wasm.ErrClosed)
}

// TestEngineClose: a closed engine answers ErrClosed to everything and
// leaves no instance behind, even one whose work was running.
func TestEngineClose(t *testing.T) {
	ctx := context.Background()
	r := runtimeForTest(t)
	before := wasm.LiveInstances(r)
	e, err := r.NewEngine(ctx, testConfig(), seed)
	require.NoError(t, err)
	drive(t, e, script()[:2])
	snap, err := e.Snapshot(ctx)
	require.NoError(t, err)
	work := core.Work{ID: 1, Kind: core.WorkHashPassword, Password: "secret pass", Salt: make([]byte, 16), Cost: 8}
	done := make(chan error, 1)
	go func() {
		_, err := e.Work(ctx, work)
		done <- err
	}()
	require.NoError(t, e.Close(ctx))
	<-done
	assert.Equal(t, before, wasm.LiveInstances(r), "the engine's instances are closed, the work's too")
	_, err = e.Step(ctx, core.Input{Now: 3_000_000, Call: &core.Call{ID: 10, Op: core.OpListUsers}})
	assert.ErrorIs(t, err, wasm.ErrClosed)
	_, err = e.Work(ctx, work)
	assert.ErrorIs(t, err, wasm.ErrClosed)
	assert.ErrorIs(t, e.Restore(ctx, snap), wasm.ErrClosed)
	assert.ErrorIs(t, e.Init(ctx, testConfig(), seed), wasm.ErrClosed)
}
