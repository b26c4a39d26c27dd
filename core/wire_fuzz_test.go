package core_test

import (
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// FuzzParseInput reads arbitrary wire JSON as an input (what a
// WebAssembly or WASI host hands the core): it never panics, and what it
// reads writes back to JSON that reads to the same bytes again.
func FuzzParseInput(f *testing.F) {
	for _, b := range vectorseeds.Spread(vectorseeds.MustLoad(f).Inputs, 120) {
		f.Add(b)
	}
	f.Add([]byte(`{"now":1,"http":{"id":1,"method":"GET","path":"/","body":{"base64":"/w=="},"header":[["a","\ud800"]]}}`))
	f.Add([]byte(`{"now":-1,"entropy":{"base64":"!"},"call":{"id":18446744073709551615,"op":"x","args":[1,{"a":null}]}}`))
	f.Add([]byte(`{"now":1e3,"load":{"files":[{"path":1}]},"tick":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := core.ParseInput(data)
		if err != nil {
			return
		}
		once := core.AppendInput(nil, in)
		in2, err := core.ParseInput(once)
		if err != nil {
			t.Fatalf("written input does not read back: %v\n%s", err, once)
		}
		if twice := core.AppendInput(nil, in2); string(twice) != string(once) {
			t.Fatalf("input changed on its way through:\n%s\n%s", once, twice)
		}
	})
}

// FuzzParseOutput does the same for outputs, which a host reads back from
// a WebAssembly core.
func FuzzParseOutput(f *testing.F) {
	for _, b := range vectorseeds.Spread(vectorseeds.MustLoad(f).Outputs, 120) {
		f.Add(b)
	}
	f.Add([]byte(`{"effects":[{"reply":{"id":1,"status":200,"body":{"base64":"AA=="}}},{}],"deadline":0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := core.ParseOutput(data)
		if err != nil {
			return
		}
		once := core.AppendOutput(nil, out)
		out2, err := core.ParseOutput(once)
		if err != nil {
			t.Fatalf("written output does not read back: %v\n%s", err, once)
		}
		if twice := core.AppendOutput(nil, out2); string(twice) != string(once) {
			t.Fatalf("output changed on its way through:\n%s\n%s", once, twice)
		}
	})
}

// FuzzParseWork does the same for the password work that crosses to a
// worker and its result.
func FuzzParseWork(f *testing.F) {
	f.Add([]byte(`{"id":1,"kind":"check_password","password":"p","hash":"$2b$04$abc"}`), []byte(`{"id":1,"match":true}`))
	f.Add([]byte(`{"id":2,"kind":"hash_password","password":"p","salt":{"base64":"AAAAAAAAAAAAAAAAAAAAAA=="},"cost":4}`), []byte(`{"id":2,"hash":"$2b$04$x","error":"e"}`))
	f.Fuzz(func(t *testing.T, work, result []byte) {
		if w, err := core.ParseWork(work); err == nil {
			once := core.AppendWork(nil, w)
			w2, err := core.ParseWork(once)
			if err != nil || string(core.AppendWork(nil, w2)) != string(once) {
				t.Fatalf("work changed on its way through: %v\n%s", err, once)
			}
		}
		if r, err := core.ParseWorkResult(result); err == nil {
			once := core.AppendWorkResult(nil, r)
			r2, err := core.ParseWorkResult(once)
			if err != nil || string(core.AppendWorkResult(nil, r2)) != string(once) {
				t.Fatalf("work result changed on its way through: %v\n%s", err, once)
			}
		}
	})
}

// FuzzCall makes arbitrary embedder calls on a loaded core: nothing
// panics, and each call gets exactly one result, of its own id.
func FuzzCall(f *testing.F) {
	for _, c := range vectorseeds.MustLoad(f).Calls {
		f.Add(c.Op, c.Args)
	}
	for _, op := range []string{core.OpCreateUser, core.OpListUsers, core.OpSetPassword, core.OpRemoveUser, core.OpListTokens,
		core.OpRevokeToken, core.OpCreateAuthCode, core.OpValidateAccessToken, core.OpFlush, core.OpCreateExternalState, "nope"} {
		f.Add(op, []byte(`{"username":"test-user","user_id":"x","id":"x","token":"x","password":"p","flow_id":"f","redirect_uri":"r"}`))
		f.Add(op, []byte(`[]`))
	}
	f.Fuzz(func(t *testing.T, op string, args []byte) {
		h, _ := fuzzCore(t)
		const id = 1 << 40
		// Stepped directly, work included: the harness would insist that
		// the arguments be JSON, which is the host's to ensure and the
		// core's to check.
		var effects []core.Effect
		queue := []core.Input{{Call: &core.Call{ID: id, Op: op, Args: args}}}
		for len(queue) > 0 {
			in := queue[0]
			queue = queue[1:]
			in.Now = h.now
			for _, e := range h.c.Step(in).Effects {
				effects = append(effects, e)
				if e.Work != nil {
					r := core.DoWork(*e.Work)
					queue = append(queue, core.Input{WorkDone: &r})
				}
			}
		}
		results := 0
		for _, e := range effects {
			if e.Result != nil {
				if e.Result.ID != id {
					t.Fatalf("result for call %d, which was never made", e.Result.ID)
				}
				results++
			}
			if e.Fatal != nil {
				t.Fatalf("fatal: %+v", *e.Fatal)
			}
		}
		if results != 1 {
			t.Fatalf("%d results", results)
		}
	})
}

// TestWireLargeIDs is the regression test of a FuzzParseInput find: ids
// are unsigned 64-bit numbers and were written as signed ones, so an id
// above 2^63-1 (a host may number requests as it likes) came back
// negative and the core's own output no longer read back.
func TestWireLargeIDs(t *testing.T) {
	const big = uint64(1)<<63 + 5
	for _, in := range []core.Input{
		{Call: &core.Call{ID: big, Op: "x"}},
		{HTTP: &core.HTTPRequest{ID: big, Method: "GET", Path: "/"}},
		{WSMessage: &core.WSMessage{Conn: big, Data: []byte("x")}},
		{WorkDone: &core.WorkResult{ID: big}},
	} {
		b := core.AppendInput(nil, in)
		back, err := core.ParseInput(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if string(core.AppendInput(nil, back)) != string(b) {
			t.Fatalf("%s changed", b)
		}
	}
	out := core.Output{Effects: []core.Effect{{Reply: &core.Reply{ID: big, Status: 200}}, {Send: &core.WSSend{Conn: big}}, {Work: &core.Work{ID: big}}}}
	b := core.AppendOutput(nil, out)
	back, err := core.ParseOutput(b)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if back.Effects[0].Reply.ID != big || back.Effects[1].Send.Conn != big || back.Effects[2].Work.ID != big {
		t.Fatalf("ids changed: %s", b)
	}
}
