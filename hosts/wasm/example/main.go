// Command example embeds hassauth's core, compiled to WebAssembly, in a Go
// program through wazero: it creates a user, logs in through the login
// flow and exchanges the code for tokens, all by feeding the engine inputs
// and carrying out its effects by hand. A real program would hand the
// engine to hosts/native instead (native.Options{Engine: rt.Factory()}).
//
//	make wasm && go run ./hosts/wasm/example bin/hassauth.wasm
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log"
	"net/url"
	"os"
	"time"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/wasm"
)

func main() {
	ctx := context.Background()
	path := "bin/hassauth.wasm"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	t0 := time.Now()
	rt, err := wasm.LoadFile(ctx, path, wasm.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	var seed [32]byte
	rand.Read(seed[:])
	e, err := rt.NewEngine(ctx, core.Config{}, seed)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close(ctx)
	fmt.Printf("module started in %v\n", time.Since(t0).Round(time.Millisecond))

	// step runs an input, computes password work on the engine's work
	// instances, and returns every effect that followed.
	var step func(in core.Input) []core.Effect
	step = func(in core.Input) []core.Effect {
		in.Now = time.Now().UnixMicro()
		out, err := e.Step(ctx, in)
		if err != nil {
			log.Fatal(err)
		}
		var all []core.Effect
		for _, ef := range out.Effects {
			all = append(all, ef)
			if ef.Work != nil {
				r, err := e.Work(ctx, *ef.Work)
				if err != nil {
					log.Fatal(err)
				}
				all = append(all, step(core.Input{WorkDone: &r})...)
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
		return nil
	}

	step(core.Input{Load: &core.Load{}})
	for _, ef := range step(core.Input{Call: &core.Call{ID: 1, Op: core.OpCreateUser, Args: []byte(`{"username":"alice","password":"a long secret"}`)}}) {
		if ef.Result != nil {
			fmt.Printf("created user: %s\n", ef.Result.Value)
		}
	}
	const client = "https://example.com/"
	flow := reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 1, Method: "POST", Path: "/auth/login_flow", Remote: "127.0.0.1",
		Body: []byte(`{"client_id":"` + client + `","handler":["homeassistant",null],"redirect_uri":"` + client + `"}`)}}))
	entry := reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 2, Method: "POST", Path: "/auth/login_flow/" + flow["flow_id"].(string), Remote: "127.0.0.1",
		Body: []byte(`{"client_id":"` + client + `","username":"alice","password":"a long secret"}`)}}))
	fmt.Printf("login flow: %s\n", entry["type"])
	form := url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {entry["result"].(string)}}
	tokens := reply(step(core.Input{HTTP: &core.HTTPRequest{ID: 3, Method: "POST", Path: "/auth/token", Remote: "127.0.0.1",
		Header: []core.Header{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}, Body: []byte(form.Encode())}}))
	fmt.Printf("token type %s, expires in %v s\n", tokens["token_type"], tokens["expires_in"])
}
