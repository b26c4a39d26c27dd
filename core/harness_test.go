package core_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// t0 is the harness's starting clock: 2026-09-01T10:00:00Z.
const t0 = int64(1788256800) * 1_000_000

// harness drives a core the way a host does, with a fake clock, inline
// password work and an in-memory configuration directory.
type harness struct {
	t     testing.TB
	c     *core.Core
	now   int64
	files map[string][]byte
	// effects collects every effect of the last call, work included.
	effects []core.Effect
	// deadline is the core's last requested deadline.
	deadline int64
	nextID   uint64
	nextConn uint64
	// remote is the peer address of requests.
	remote string
	// bans collects Ban effects.
	bans []core.Ban
	// holdWork keeps Work effects instead of running them.
	holdWork bool
	held     []core.Work
	// notified collects Notify effects; each is answered at once with
	// notifyErr as its error, unless holdNotify is set.
	notified   []core.Notify
	notifyErr  string
	holdNotify bool
}

// testConfig is a configuration with cheap bcrypt, for tests.
func testConfig() core.Config {
	return core.Config{BcryptCost: 4}
}

func newHarness(t testing.TB, cfg core.Config, files ...core.File) *harness {
	t.Helper()
	var seed [32]byte
	copy(seed[:], "hassauth test seed, fixed here")
	c, err := core.New(cfg, seed)
	require.NoError(t, err)
	h := &harness{t: t, c: c, now: t0, files: map[string][]byte{}, remote: "192.168.1.10:50000"}
	for _, f := range files {
		h.files[f.Path] = f.Data
	}
	h.step(core.Input{Load: &core.Load{Files: files}})
	for _, e := range h.effects {
		require.Nil(t, e.Fatal, "load failed")
	}
	return h
}

// step runs an input and every piece of work it causes, and returns all
// the effects in order.
func (h *harness) step(in core.Input) []core.Effect {
	h.effects = nil
	queue := []core.Input{in}
	for len(queue) > 0 {
		in := queue[0]
		queue = queue[1:]
		in.Now = h.now
		out := h.c.Step(in)
		checkWire(h.t, in, out)
		h.deadline = out.Deadline
		for _, e := range out.Effects {
			h.effects = append(h.effects, e)
			switch {
			case e.Write != nil:
				h.files[e.Write.Path] = e.Write.Data
			case e.Append != nil:
				h.files[e.Append.Path] = append(h.files[e.Append.Path], e.Append.Data...)
			case e.Ban != nil:
				h.bans = append(h.bans, *e.Ban)
			case e.Work != nil:
				if h.holdWork {
					h.held = append(h.held, *e.Work)
					continue
				}
				r := core.DoWork(*e.Work)
				queue = append(queue, core.Input{WorkDone: &r})
			case e.Notify != nil:
				h.notified = append(h.notified, *e.Notify)
				if !h.holdNotify {
					queue = append(queue, core.Input{NotifyDone: &core.NotifyResult{ID: e.Notify.ID, Error: h.notifyErr}})
				}
			}
		}
	}
	return h.effects
}

// advance moves the clock and delivers a tick if the deadline passed.
func (h *harness) advance(us int64) []core.Effect {
	h.now += us
	return h.step(core.Input{Tick: &core.Tick{}})
}

type response struct {
	Status int
	Header []core.Header
	Body   []byte
}

func (r response) header(name string) string {
	for _, hd := range r.Header {
		if strings.EqualFold(hd.Name, name) {
			return hd.Value
		}
	}
	return ""
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body %q", r.Body)
	return m
}

// request sends an HTTP request and returns its reply (which must come
// within the same call).
func (h *harness) request(method, path string, body []byte, headers ...core.Header) response {
	h.t.Helper()
	h.nextID++
	id := h.nextID
	target, query, _ := strings.Cut(path, "?")
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: method, Scheme: "http", Path: target, Query: query,
		Header: headers, Body: body, Remote: h.remote}})
	for _, e := range h.effects {
		if e.Reply != nil && e.Reply.ID == id {
			return response{e.Reply.Status, e.Reply.Header, e.Reply.Body}
		}
	}
	h.t.Fatalf("no reply to %s %s", method, path)
	return response{}
}

// postJSON sends a JSON body the way Home Assistant's frontend does: with a
// text/plain content type.
func (h *harness) postJSON(path string, body any) response {
	h.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(h.t, err)
	return h.request("POST", path, b, core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
}

func (h *harness) postForm(path string, form url.Values) response {
	h.t.Helper()
	return h.request("POST", path, []byte(form.Encode()), core.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"})
}

// call runs an embedder call and returns its result.
func (h *harness) call(op string, args any) (json.RawMessage, *core.CallError) {
	h.t.Helper()
	h.nextID++
	id := h.nextID
	var raw []byte
	if args != nil {
		raw, _ = json.Marshal(args)
	}
	h.step(core.Input{Call: &core.Call{ID: id, Op: op, Args: raw}})
	for _, e := range h.effects {
		if e.Result != nil && e.Result.ID == id {
			return e.Result.Value, e.Result.Error
		}
	}
	h.t.Fatalf("no result for %s", op)
	return nil, nil
}

// addUser creates a homeassistant-provider user and returns its id.
func (h *harness) addUser(username, password string) string {
	h.t.Helper()
	v, err := h.call(core.OpCreateUser, map[string]any{"username": username, "password": password})
	require.Nil(h.t, err)
	var u struct {
		ID string `json:"id"`
	}
	require.NoError(h.t, json.Unmarshal(v, &u))
	return u.ID
}

const (
	clientID    = "https://example.com/app"
	redirectURI = "https://example.com/app/callback"
)

// login runs the login flow for a homeassistant user and returns the code.
func (h *harness) login(username, password string) string {
	h.t.Helper()
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	flowID := r.json(h.t)["flow_id"].(string)
	r = h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "username": username, "password": password})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	m := r.json(h.t)
	require.Equal(h.t, "create_entry", m["type"], "%s", r.Body)
	return m["result"].(string)
}

// tokens exchanges a code and returns the access and refresh tokens.
func (h *harness) tokens(code string) (access, refresh string) {
	h.t.Helper()
	r := h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	m := r.json(h.t)
	return m["access_token"].(string), m["refresh_token"].(string)
}

// wsClient is a websocket connection to the harness's core.
type wsClient struct {
	h  *harness
	id uint64
	// nextID is the last command id used by command.
	nextID int
}

// wsOpen opens a connection from the harness's remote address; the core's
// first frame (auth_required) is in h.effects.
func (h *harness) wsOpen(headers ...core.Header) *wsClient {
	h.t.Helper()
	h.nextConn++
	w := &wsClient{h: h, id: h.nextConn}
	h.step(core.Input{WSOpen: &core.WSOpen{Conn: w.id, Remote: h.remote, Header: headers}})
	return w
}

// wsConnect opens a connection and authenticates it with an access token.
func (h *harness) wsConnect(access string) *wsClient {
	h.t.Helper()
	w := h.wsOpen()
	w.sendJSON(map[string]any{"type": "auth", "access_token": access})
	frames := w.frames()
	require.Len(h.t, frames, 1)
	require.Contains(h.t, string(frames[0]), `"type":"auth_ok"`)
	return w
}

// send delivers one frame and returns every effect it caused.
func (w *wsClient) send(data []byte, binary bool) []core.Effect {
	return w.h.step(core.Input{WSMessage: &core.WSMessage{Conn: w.id, Data: data, Binary: binary}})
}

func (w *wsClient) sendJSON(v any) []core.Effect {
	w.h.t.Helper()
	b, err := json.Marshal(v)
	require.NoError(w.h.t, err)
	return w.send(b, false)
}

// frames returns the frames the last step sent to this connection.
func (w *wsClient) frames() [][]byte {
	var out [][]byte
	for _, e := range w.h.effects {
		if e.Send != nil && e.Send.Conn == w.id {
			out = append(out, e.Send.Data)
		}
	}
	return out
}

// wsConnectID opens a websocket connection, authenticates it with an access
// token and returns the connection's id.
func (h *harness) wsConnectID(access string) uint64 {
	h.t.Helper()
	h.nextConn++
	conn := h.nextConn
	h.step(core.Input{WSOpen: &core.WSOpen{Conn: conn, Remote: h.remote}})
	b, _ := json.Marshal(map[string]any{"type": "auth", "access_token": access})
	h.step(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: b}})
	frames := h.wsFrames(conn)
	require.NotEmpty(h.t, frames, "no answer to the auth message")
	require.Equal(h.t, "auth_ok", frames[0]["type"], "%v", frames[0])
	return conn
}

// wsFrames returns the frames the last step sent to a connection.
func (h *harness) wsFrames(conn uint64) []map[string]any {
	h.t.Helper()
	var out []map[string]any
	for _, e := range h.effects {
		if e.Send != nil && e.Send.Conn == conn {
			var m map[string]any
			require.NoError(h.t, json.Unmarshal(e.Send.Data, &m), "frame %q", e.Send.Data)
			out = append(out, m)
		}
	}
	return out
}

// closed reports whether the last step closed this connection.
func (w *wsClient) closed() bool {
	for _, e := range w.h.effects {
		if e.Close != nil && e.Close.Conn == w.id {
			return true
		}
	}
	return false
}

// command sends a command with the next id and returns its reply, decoded.
func (w *wsClient) command(msg map[string]any) map[string]any {
	w.h.t.Helper()
	w.nextID++
	msg["id"] = w.nextID
	w.sendJSON(msg)
	frames := w.frames()
	require.Len(w.h.t, frames, 1, "frames %q", frames)
	var m map[string]any
	require.NoError(w.h.t, json.Unmarshal(frames[0], &m))
	require.EqualValues(w.h.t, w.nextID, m["id"])
	return m
}

// result sends a command that must succeed and returns its result.
func (w *wsClient) result(msg map[string]any) any {
	w.h.t.Helper()
	m := w.command(msg)
	require.Equal(w.h.t, true, m["success"], "%v", m)
	return m["result"]
}

// loginWith runs the login flow of any provider, one step per fields
// (the provider's form, then MFA steps), and returns the code.
func (h *harness) loginWith(handler []any, steps ...map[string]any) string {
	h.t.Helper()
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": handler, "redirect_uri": redirectURI})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	flowID := r.json(h.t)["flow_id"].(string)
	for _, fields := range steps {
		fields["client_id"] = clientID
		r = h.postJSON("/auth/login_flow/"+flowID, fields)
		require.Equal(h.t, 200, r.Status, "%s", r.Body)
	}
	m := r.json(h.t)
	require.Equal(h.t, "create_entry", m["type"], "%s", r.Body)
	return m["result"].(string)
}

// refreshTokenID returns the id of the refresh token behind an access token.
func (h *harness) refreshTokenID(access string) string {
	h.t.Helper()
	v, err := h.call(core.OpValidateAccessToken, map[string]any{"token": access})
	require.Nil(h.t, err)
	var out struct {
		ID string `json:"refresh_token_id"`
	}
	require.NoError(h.t, json.Unmarshal(v, &out))
	return out.ID
}

// wsCommand sends a command and returns the frame answering its id, raw.
func (h *harness) wsCommand(conn uint64, msg map[string]any) json.RawMessage {
	h.t.Helper()
	b, err := json.Marshal(msg)
	require.NoError(h.t, err)
	h.step(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: b}})
	for _, e := range h.effects {
		if e.Send == nil || e.Send.Conn != conn {
			continue
		}
		var head struct {
			ID any `json:"id"`
		}
		if json.Unmarshal(e.Send.Data, &head) == nil && jsonNumberIs(head.ID, msg["id"]) {
			return e.Send.Data
		}
	}
	h.t.Fatalf("no answer to %s", b)
	return nil
}

func jsonNumberIs(got, want any) bool {
	g, ok := got.(float64)
	if !ok {
		return false
	}
	switch w := want.(type) {
	case int:
		return g == float64(w)
	case int64:
		return g == float64(w)
	}
	return false
}

// send delivers an HTTP request and returns its id; the effects it caused
// are in h.effects. Unlike request it does not insist on a reply, so that
// a test can answer a Fetch first.
func (h *harness) send(method, path string, body []byte, headers ...core.Header) uint64 {
	h.t.Helper()
	h.nextID++
	id := h.nextID
	target, query, _ := strings.Cut(path, "?")
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: method, Scheme: "http", Path: target, Query: query,
		Header: headers, Body: body, Remote: h.remote}})
	return id
}

// replyTo finds the reply to request id among the last effects.
func (h *harness) replyTo(id uint64) (response, bool) {
	for _, e := range h.effects {
		if e.Reply != nil && e.Reply.ID == id {
			return response{e.Reply.Status, e.Reply.Header, e.Reply.Body}, true
		}
	}
	return response{}, false
}

// fetches returns the Fetch effects among the last effects.
func (h *harness) fetches() []core.Fetch {
	var out []core.Fetch
	for _, e := range h.effects {
		if e.Fetch != nil {
			out = append(out, *e.Fetch)
		}
	}
	return out
}

// writes returns the paths of the Write effects among the last effects, in
// order, leaving out the emptying of hassauth's journal that follows each
// write of .storage/auth (journal_test.go covers it).
func (h *harness) writes() []string {
	var out []string
	for _, e := range h.effects {
		if e.Write != nil && e.Write.Path != core.PathJournal {
			out = append(out, e.Write.Path)
		}
	}
	return out
}

// failedLogins counts the failed-login log lines among the last effects.
func (h *harness) failedLogins() int {
	n := 0
	for _, e := range h.effects {
		if e.Log != nil && strings.HasPrefix(e.Log.Message, "Login attempt or request with invalid authentication") {
			n++
		}
	}
	return n
}

// startFlow starts a login flow and returns its id.
func (h *harness) startFlow(handler []any, client, redirect string) string {
	h.t.Helper()
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": client, "handler": handler, "redirect_uri": redirect})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	return r.json(h.t)["flow_id"].(string)
}

// bearer is an Authorization header with an access token.
func bearer(token string) core.Header {
	return core.Header{Name: "authorization", Value: "Bearer " + token}
}

// flush writes every pending document now.
func (h *harness) flush() {
	h.t.Helper()
	_, err := h.call(core.OpFlush, nil)
	require.Nil(h.t, err)
}

// formOf builds a form from name, value pairs.
func formOf(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

// checkWire passes every input and output the harness sees through the
// wire codec (the JSON of the WebAssembly boundary and the vectors): each
// must read back equal, and write the same bytes again.
func checkWire(t testing.TB, in core.Input, out core.Output) {
	t.Helper()
	b := core.AppendInput(nil, in)
	in2, err := core.ParseInput(b)
	require.NoError(t, err, "%s", b)
	require.Equal(t, string(b), string(core.AppendInput(nil, in2)))
	require.Equal(t, normalize(in), normalize(in2), "%s", b)
	b = core.AppendOutput(nil, out)
	out2, err := core.ParseOutput(b)
	require.NoError(t, err, "%s", b)
	require.Equal(t, string(b), string(core.AppendOutput(nil, out2)))
	require.Equal(t, normalize(out), normalize(out2), "%s", b)
}

// normalize makes nil and empty slices compare equal, through JSON. The
// wire form writes strings as JSON strings, so bytes that are not UTF-8 in
// a string field (a header value, a peer address) arrive as U+FFFD; JSON
// here does the same to both sides.
func normalize(v any) string {
	b, _ := json.Marshal(v)
	return strings.NewReplacer(":null", ":[]", ":\"\"", ":[]", `\ufffd`, "\uFFFD").Replace(string(b))
}
