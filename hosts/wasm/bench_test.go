package wasm_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/wasm"
)

// loggedIn drives an engine to a user with a refresh token and returns
// the refresh grant's request body.
func loggedIn(b *testing.B, e native.Engine) []byte {
	ctx := context.Background()
	const client = "https://example.com/app"
	var body []byte
	var code string
	step := func(in core.Input) []core.Effect {
		var all []core.Effect
		queue := []core.Input{in}
		for len(queue) > 0 {
			in := queue[0]
			queue = queue[1:]
			in.Now = 1788256800_000000
			out, err := e.Step(ctx, in)
			require.NoError(b, err)
			for _, ef := range out.Effects {
				all = append(all, ef)
				if ef.Work != nil {
					r, err := e.Work(ctx, *ef.Work)
					require.NoError(b, err)
					queue = append(queue, core.Input{WorkDone: &r})
				}
			}
		}
		return all
	}
	reply := func(effects []core.Effect) map[string]any {
		for _, ef := range effects {
			if ef.Reply != nil {
				var m map[string]any
				json.Unmarshal(ef.Reply.Body, &m)
				return m
			}
		}
		b.Fatal("no reply")
		return nil
	}
	step(core.Input{Load: &core.Load{}})
	step(core.Input{Call: &core.Call{ID: 1, Op: core.OpCreateUser, Args: []byte(`{"username":"alice","password":"pw"}`)}})
	flow := reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 1, Method: "POST", Path: "/auth/login_flow", Remote: "127.0.0.1",
		Body: []byte(`{"client_id":"` + client + `","handler":["homeassistant",null],"redirect_uri":"` + client + `"}`)}}))
	code = reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 2, Method: "POST", Path: "/auth/login_flow/" + flow["flow_id"].(string), Remote: "127.0.0.1",
		Body: []byte(`{"client_id":"` + client + `","username":"alice","password":"pw"}`)}}))["result"].(string)
	form := url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {code}}
	tok := reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 3, Method: "POST", Path: "/auth/token", Remote: "127.0.0.1",
		Header: []core.Header{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}, Body: []byte(form.Encode())}}))
	body = []byte(url.Values{"client_id": {client}, "grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}.Encode())
	return body
}

// BenchmarkRefreshStep measures one refresh-token grant through Step, the
// native engine against the module under wazero (wire JSON both ways
// included).
func BenchmarkRefreshStep(b *testing.B) {
	ctx := context.Background()
	cfg := core.Config{BcryptCost: 4}
	wr := runtimeForTest(b)
	for _, tc := range []struct {
		name string
		new  native.EngineFactory
	}{{"native", native.NativeEngine}, {"wazero", wr.Factory()}} {
		b.Run(tc.name, func(b *testing.B) {
			e, err := tc.new(ctx, cfg, seed)
			require.NoError(b, err)
			defer e.Close(ctx)
			body := loggedIn(b, e)
			in := core.Input{Now: 1788256900_000000, HTTP: &core.HTTPRequest{ID: 9, Method: "POST", Path: "/auth/token", Remote: "127.0.0.1",
				Header: []core.Header{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}, Body: body}}
			b.ReportAllocs()
			for b.Loop() {
				out, err := e.Step(ctx, in)
				if err != nil || out.Effects[0].Reply.Status != 200 {
					b.Fatal(err, out)
				}
			}
		})
	}
}

// BenchmarkStart measures a start with a warm compilation cache: compile
// from the cache, instantiate, and init a core.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(b, err)
	module, err := os.ReadFile(path)
	require.NoError(b, err)
	dir := b.TempDir()
	r, err := wasm.Load(ctx, module, wasm.Options{CacheDir: dir})
	require.NoError(b, err)
	r.Close(ctx)
	for b.Loop() {
		r, err := wasm.Load(ctx, module, wasm.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		e, err := r.NewEngine(ctx, core.Config{}, seed)
		if err != nil {
			b.Fatal(err)
		}
		e.Close(ctx)
		r.Close(ctx)
	}
}
