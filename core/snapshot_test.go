package core_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// recorder drives a core with inputs chosen at random from what its
// earlier outputs made possible (flow ids, codes, tokens, connections),
// and records every input and the wire JSON of every output.
type recorder struct {
	t   testing.TB
	rnd *rand.Rand
	c   *core.Core
	now int64

	inputs  []core.Input
	outputs [][]byte
	// snaps holds snapshots taken before the input of their index; work
	// is done inline, so no effect is outstanding between actions.
	snaps map[int][]byte

	nextID   uint64
	nextConn uint64
	flows    []string
	codes    []string
	refresh  []string
	access   []string
	conns    []uint64
	users    []string
	setups   []string
	wsID     int
}

var propUsers = []string{"alice", "bob", "carol"}

const propPassword = "correct horse"

func (r *recorder) step(in core.Input) []core.Effect {
	var all []core.Effect
	queue := []core.Input{in}
	for len(queue) > 0 {
		in := queue[0]
		queue = queue[1:]
		in.Now = r.now
		out := r.c.Step(in)
		r.inputs = append(r.inputs, in)
		r.outputs = append(r.outputs, core.AppendOutput(nil, out))
		for _, e := range out.Effects {
			all = append(all, e)
			switch {
			case e.Work != nil:
				res := core.DoWork(*e.Work)
				queue = append(queue, core.Input{WorkDone: &res})
			case e.Run != nil:
				// The command_line provider's command: the right password
				// passes and prints a name.
				res := core.RunResult{ID: e.Run.ID, ExitCode: 1}
				for _, env := range e.Run.Env {
					if env.Name == "password" && env.Value == propPassword {
						res = core.RunResult{ID: e.Run.ID, Stdout: []byte("name = Commander\n")}
					}
				}
				queue = append(queue, core.Input{RunDone: &res})
			case e.Notify != nil:
				queue = append(queue, core.Input{NotifyDone: &core.NotifyResult{ID: e.Notify.ID}})
			case e.Send != nil:
				r.collectWS(e.Send.Data)
			}
		}
	}
	return all
}

// collectWS keeps the setup flow ids that websocket results carry.
func (r *recorder) collectWS(data []byte) {
	var m struct {
		Result struct {
			Type   string `json:"type"`
			FlowID string `json:"flow_id"`
		} `json:"result"`
	}
	if json.Unmarshal(data, &m) == nil && m.Result.FlowID != "" {
		r.setups = slices.DeleteFunc(r.setups, func(f string) bool { return f == m.Result.FlowID })
		if m.Result.Type == "form" {
			r.setups = append(r.setups, m.Result.FlowID)
		}
	}
}

// pick returns the newest item half of the time, another one otherwise,
// and now and then one that does not exist.
func (r *recorder) pick(list []string) string {
	switch {
	case len(list) == 0 || r.rnd.IntN(16) == 0:
		return "none"
	case r.rnd.IntN(2) == 0:
		return list[len(list)-1]
	}
	return list[r.rnd.IntN(len(list))]
}

func (r *recorder) http(method, path string, body []byte, ctype string, hdrs ...core.Header) (int, map[string]any) {
	r.nextID++
	id := r.nextID
	target, query, _ := strings.Cut(path, "?")
	if ctype != "" {
		hdrs = append(hdrs, core.Header{Name: "content-type", Value: ctype})
	}
	// Most requests come from one client; a few from another, which gets
	// banned in long runs.
	remote := "192.168.1.10:5000"
	if r.rnd.IntN(8) == 0 {
		remote = "192.168.1.66:5000"
	}
	for _, e := range r.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: method, Scheme: "http", Path: target, Query: query, Header: hdrs, Body: body, Remote: remote}}) {
		if e.Reply != nil && e.Reply.ID == id {
			var m map[string]any
			json.Unmarshal(e.Reply.Body, &m)
			return e.Reply.Status, m
		}
	}
	return 0, nil
}

func (r *recorder) postJSON(path string, body any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	return r.http("POST", path, b, "text/plain;charset=UTF-8")
}

func (r *recorder) collect(m map[string]any) {
	if m == nil {
		return
	}
	if id, ok := m["flow_id"].(string); ok {
		r.flows = slices.DeleteFunc(r.flows, func(f string) bool { return f == id })
		if m["type"] == "form" {
			r.flows = append(r.flows, id)
		}
	}
	if code, ok := m["result"].(string); ok && m["type"] == "create_entry" {
		r.codes = append(r.codes, code)
	}
	if tok, ok := m["refresh_token"].(string); ok {
		r.refresh = append(r.refresh, tok)
	}
	if tok, ok := m["access_token"].(string); ok {
		r.access = append(r.access, tok)
	}
}

// action runs one randomly chosen client or embedder action.
func (r *recorder) action() {
	const client = "https://example.com/app"
	handlers := [][]any{{"homeassistant", nil}, {"insecure_example", nil}, {"trusted_networks", nil}, {"command_line", nil}}
	switch r.rnd.IntN(19) {
	case 0:
		u := r.pick(propUsers)
		args, _ := json.Marshal(map[string]any{"username": u, "password": propPassword})
		r.nextID++
		for _, e := range r.step(core.Input{Call: &core.Call{ID: r.nextID, Op: core.OpCreateUser, Args: args}}) {
			if e.Result != nil && e.Result.Error == nil {
				var v struct{ ID string }
				json.Unmarshal(e.Result.Value, &v)
				r.users = append(r.users, v.ID)
			}
		}
	case 1, 2:
		_, m := r.postJSON("/auth/login_flow", map[string]any{"client_id": client, "handler": handlers[r.rnd.IntN(len(handlers))], "redirect_uri": client + "/cb"})
		r.collect(m)
	case 3, 4, 16:
		pw := propPassword
		if r.rnd.IntN(8) == 0 {
			pw = "wrong"
		}
		body := map[string]any{"client_id": client, "username": r.pick(propUsers), "password": pw}
		if r.rnd.IntN(4) == 0 {
			// The trusted_networks provider's user choice.
			body = map[string]any{"client_id": client, "user": r.pick(r.users)}
		}
		_, m := r.postJSON("/auth/login_flow/"+r.pick(r.flows), body)
		r.collect(m)
	case 5:
		// An MFA step: a PIN, a module choice, or nonsense.
		body := map[string]any{"client_id": client}
		switch r.rnd.IntN(3) {
		case 0:
			body["pin"] = "1234"
		case 1:
			body["multi_factor_auth_module"] = "insecure_example"
		default:
			body["code"] = "000000"
		}
		_, m := r.postJSON("/auth/login_flow/"+r.pick(r.flows), body)
		r.collect(m)
	case 6, 7:
		form := url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {r.pick(r.codes)}}
		_, m := r.http("POST", "/auth/token", []byte(form.Encode()), "application/x-www-form-urlencoded")
		r.collect(m)
	case 8:
		form := url.Values{"client_id": {client}, "grant_type": {"refresh_token"}, "refresh_token": {r.pick(r.refresh)}}
		_, m := r.http("POST", "/auth/token", []byte(form.Encode()), "application/x-www-form-urlencoded")
		r.collect(m)
	case 9:
		form := url.Values{"token": {r.pick(r.refresh)}}
		r.http("POST", "/auth/revoke", []byte(form.Encode()), "application/x-www-form-urlencoded")
	case 10:
		r.http("GET", "/api/", nil, "", core.Header{Name: "authorization", Value: "Bearer " + r.pick(r.access)})
	case 11:
		r.nextConn++
		r.conns = append(r.conns, r.nextConn)
		r.step(core.Input{WSOpen: &core.WSOpen{Conn: r.nextConn, Remote: "192.168.1.20:6000", Header: []core.Header{{Name: "user-agent", Value: "prop/1"}}}})
		if len(r.access) > 0 {
			msg, _ := json.Marshal(map[string]any{"type": "auth", "access_token": r.access[len(r.access)-1]})
			r.step(core.Input{WSMessage: &core.WSMessage{Conn: r.nextConn, Data: msg}})
		}
	case 12, 17, 18:
		if len(r.conns) == 0 {
			return
		}
		conn := r.conns[len(r.conns)-1]
		if r.rnd.IntN(3) == 0 {
			conn = r.conns[r.rnd.IntN(len(r.conns))]
		}
		var msg []byte
		r.wsID += 1 + r.rnd.IntN(2)
		modules := []string{"insecure_example", "totp", "notify"}
		switch r.rnd.IntN(9) {
		case 0, 1:
			msg, _ = json.Marshal(map[string]any{"type": "auth", "access_token": r.pick(r.access)})
		case 2:
			msg, _ = json.Marshal(map[string]any{"id": r.wsID, "type": "ping"})
		case 3:
			msg, _ = json.Marshal(map[string]any{"id": r.wsID, "type": "auth/setup_mfa", "mfa_module_id": modules[r.rnd.IntN(3)]})
		case 4, 5:
			inputs := []map[string]any{{"pin": "4321"}, {"code": "123456"}, {"notify_service": "mobile_app"}, {}}
			msg, _ = json.Marshal(map[string]any{"id": r.wsID, "type": "auth/setup_mfa", "flow_id": r.pick(r.setups), "user_input": inputs[r.rnd.IntN(len(inputs))]})
		case 6:
			msg, _ = json.Marshal(map[string]any{"id": r.wsID, "type": "auth/sign_path", "path": "/api/camera", "expires": 30})
		case 7:
			msg, _ = json.Marshal(map[string]any{"id": r.wsID, "type": "auth/long_lived_access_token", "client_name": "lltoken " + strconv.Itoa(r.wsID), "lifespan": 10})
		default:
			r.step(core.Input{WSClosed: &core.WSClosed{Conn: conn}})
			return
		}
		r.step(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: msg}})
	case 13:
		r.http("DELETE", "/auth/login_flow/"+r.pick(r.flows), nil, "")
	case 14:
		r.nextID++
		op := core.OpListUsers
		var args []byte
		if r.rnd.IntN(3) == 0 {
			op = core.OpRemoveUser
			args, _ = json.Marshal(map[string]any{"username": r.pick(propUsers)})
		}
		r.step(core.Input{Call: &core.Call{ID: r.nextID, Op: op, Args: args}})
	default:
		// Time passes: seconds usually, sometimes past every delayed
		// write, a flow's lifetime or an access token's.
		steps := []int64{1, 1, 3, 11, 11, 90, 700, 4000}
		r.now += steps[r.rnd.IntN(len(steps))] * 1_000_000
		r.step(core.Input{Tick: &core.Tick{}})
	}
}

// propConfig has every provider and MFA module type, and bans after four
// failed logins, so that random runs reach flows in every step.
func propConfig(userIDs []string) core.Config {
	pins := []core.ExamplePIN{}
	for _, id := range userIDs {
		pins = append(pins, core.ExamplePIN{UserID: id, PIN: "1234"})
	}
	threshold := 4
	return core.Config{
		BcryptCost: 4,
		Providers: []core.ProviderConfig{
			{Type: "homeassistant"},
			{Type: "insecure_example", Users: []core.ExampleUser{{Username: "alice", Password: propPassword}, {Username: "dave", Password: propPassword}}},
			{Type: "trusted_networks", TrustedNetworks: []string{"192.168.1.0/24"}},
			{Type: "command_line", Command: "/usr/local/bin/check", Meta: true},
		},
		MFAModules:     []core.MFAModuleConfig{{Type: "totp"}, {Type: "insecure_example", Data: pins}, {Type: "notify"}},
		NotifyServices: []string{"mobile_app"},
		// The main client is a trusted proxy, which is never banned; the
		// other one is.
		HTTP: core.HTTPConfig{LoginAttemptsThreshold: &threshold, TrustedProxies: []string{"192.168.1.10/32"}},
	}
}

// propRun returns a recorded random run of n actions, with a snapshot of
// the core before every action that every picks (and before the last).
func propRun(t testing.TB, seed uint64, n, every int) (core.Config, *recorder) {
	// First create the users, so that the MFA module can name them.
	var s [32]byte
	copy(s[:], "property seed "+strconv.FormatUint(seed, 10))
	pre, err := core.New(propConfig(nil), s)
	require.NoError(t, err)
	r0 := &recorder{t: t, rnd: rand.New(rand.NewPCG(seed, 1)), c: pre, now: t0}
	r0.step(core.Input{Load: &core.Load{}})
	var files []core.File
	for _, u := range propUsers[:2] {
		args, _ := json.Marshal(map[string]any{"username": u, "password": propPassword})
		r0.nextID++
		for _, e := range r0.step(core.Input{Call: &core.Call{ID: r0.nextID, Op: core.OpCreateUser, Args: args}}) {
			if e.Result != nil && e.Result.Error == nil {
				var v struct{ ID string }
				require.NoError(t, json.Unmarshal(e.Result.Value, &v))
				r0.users = append(r0.users, v.ID)
			}
			if e.Write != nil {
				files = append(files, core.File{Path: e.Write.Path, Data: e.Write.Data})
			}
		}
	}
	r0.nextID++
	for _, e := range r0.step(core.Input{Call: &core.Call{ID: r0.nextID, Op: core.OpFlush}}) {
		if e.Write != nil {
			files = append(files, core.File{Path: e.Write.Path, Data: e.Write.Data})
		}
	}
	require.Len(t, r0.users, 2)

	cfg := propConfig(r0.users)
	c, err := core.New(cfg, s)
	require.NoError(t, err)
	r := &recorder{t: t, rnd: rand.New(rand.NewPCG(seed, 2)), c: c, now: t0 + 1_000_000, snaps: map[int][]byte{}, users: r0.users, nextID: 1000}
	r.step(core.Input{Load: &core.Load{Files: files}})
	for i := range n {
		if i%every == int(seed)%every || i == n-1 {
			snap, err := r.c.Snapshot()
			require.NoError(t, err)
			r.snaps[len(r.inputs)] = snap
		}
		r.action()
	}
	return cfg, r
}

// TestSnapshotRestoreContinuesIdentically is the snapshot's property: a
// core restored from a snapshot taken between any two inputs gives
// byte-identical outputs to the original on every later input, and its own
// snapshot is byte-identical to the one it came from.
func TestSnapshotRestoreContinuesIdentically(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4, 5}
	n := 400
	if testing.Short() || raceEnabled {
		seeds, n = seeds[:2], 150
	}
	for _, seed := range seeds {
		t.Run("seed_"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			cfg, r := propRun(t, seed, n, 17)
			// The run must have reached the interesting states.
			var replies, mfaSteps, writes int
			for _, o := range r.outputs {
				replies += bytes.Count(o, []byte(`"reply"`))
				mfaSteps += bytes.Count(o, []byte(`\"step_id\":\"mfa\"`))
				writes += bytes.Count(o, []byte(`"write"`))
			}
			require.Greater(t, replies, n/3)
			require.Greater(t, writes, 2)
			t.Logf("%d inputs, %d replies, %d mfa forms, %d writes", len(r.inputs), replies, mfaSteps, writes)

			checked := 0
			for at, snap := range r.snaps {
				checked++
				c, err := core.Restore(cfg, snap)
				require.NoError(t, err, "restore at input %d", at)
				again, err := c.Snapshot()
				require.NoError(t, err)
				require.Equal(t, string(snap), string(again), "snapshot of the restored core at input %d", at)
				for i := at; i < len(r.inputs); i++ {
					got := core.AppendOutput(nil, c.Step(r.inputs[i]))
					if !bytes.Equal(got, r.outputs[i]) {
						in := core.AppendInput(nil, r.inputs[i])
						t.Fatalf("restored at input %d, input %d %s:\noriginal %s\nrestored %s", at, i, in, r.outputs[i], got)
					}
				}
				final, _ := c.Snapshot()
				orig, _ := r.c.Snapshot()
				require.Equal(t, string(orig), string(final))
			}
			require.Greater(t, checked, 5)
		})
	}
}

// TestSnapshotDropsContinuations checks the documented loss: a flow whose
// password check was outstanding is restored idle, and the late result is
// ignored.
func TestSnapshotDropsContinuations(t *testing.T) {
	cfg := testConfig()
	h := newHarness(t, cfg)
	h.addUser("alice", "secret pass")
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	flowID := r.json(t)["flow_id"].(string)
	h.holdWork = true
	h.nextID++
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: h.nextID, Method: "POST", Path: "/auth/login_flow/" + flowID,
		Body: []byte(`{"client_id":"` + clientID + `","username":"alice","password":"secret pass"}`), Remote: h.remote}})
	require.Len(t, h.held, 1)

	snap, err := h.c.Snapshot()
	require.NoError(t, err)
	c, err := core.Restore(cfg, snap)
	require.NoError(t, err)
	h.c = c
	res := core.DoWork(h.held[0])
	assert.Empty(t, h.step(core.Input{WorkDone: &res}), "a result nobody waits for")

	h.holdWork = false
	r = h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "username": "alice", "password": "secret pass"})
	require.Equal(t, 200, r.Status, "the flow is idle again, not 409: %s", r.Body)
	assert.Equal(t, "create_entry", r.json(t)["type"])
}

func TestRestoreRefuses(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	snap, err := h.c.Snapshot()
	require.NoError(t, err)

	_, err = core.Restore(core.Config{BcryptCost: 5}, snap)
	assert.ErrorContains(t, err, "another configuration")
	for _, bad := range [][]byte{nil, []byte(`{}`), snap[:len(snap)/2], bytes.Replace(snap, []byte(`"hassauth_snapshot":1`), []byte(`"hassauth_snapshot":2`), 1)} {
		_, err := core.Restore(testConfig(), bad)
		assert.Error(t, err)
	}
}

func FuzzRestore(f *testing.F) {
	h := newHarness(f, testConfig())
	h.addUser("alice", "secret pass")
	h.login("alice", "secret pass")
	snap, _ := h.c.Snapshot()
	f.Add(snap)
	f.Add([]byte(`{"hassauth_snapshot":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := core.Restore(testConfig(), b)
		if err != nil {
			return
		}
		// A restored core must be usable.
		c.Step(core.Input{Now: t0, HTTP: &core.HTTPRequest{ID: 1, Method: "GET", Path: "/auth/providers"}})
		c.Step(core.Input{Now: t0 + 1e9, Tick: &core.Tick{}})
		if _, err := c.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkSnapshot measures a snapshot and a restore of a core holding a
// few hundred tokens.
func BenchmarkSnapshot(b *testing.B) {
	h := newHarness(b, testConfig())
	h.addUser("alice", "secret pass")
	for range 300 {
		h.tokens(h.login("alice", "secret pass"))
	}
	snap, _ := h.c.Snapshot()
	b.Run("snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.c.Snapshot()
		}
	})
	b.Run("restore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := core.Restore(testConfig(), snap); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(len(snap)), "bytes")
}
