package native_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// faultSession is a server with a logged-in user, tokens and an
// authenticated websocket, to check that none of it is lost when the
// engine fails.
type faultSession struct {
	s       *server
	access  string
	refresh string
	ws      *websocket.Conn
	wsID    int
}

func newFaultSession(t *testing.T, opts native.Options) *faultSession {
	t.Helper()
	opts.ConfigDir = t.TempDir()
	opts.Config = &core.Config{BcryptCost: 4, FaultInjection: true}
	s := startOpts(t, opts)
	_, err := s.host.Call(context.Background(), core.OpCreateUser, []byte(`{"username":"alice","password":"secret pass"}`))
	require.NoError(t, err)
	fs := &faultSession{s: s}
	fs.access, fs.refresh = fs.tokens(t, s.login("alice", "secret pass"))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.srv.URL, "http")+"/api/websocket", nil)
	require.NoError(t, err)
	t.Cleanup(func() { ws.CloseNow() })
	fs.ws = ws
	assert.Equal(t, "auth_required", fs.read(t)["type"])
	fs.write(t, map[string]any{"type": "auth", "access_token": fs.access})
	require.Equal(t, "auth_ok", fs.read(t)["type"])
	return fs
}

func (fs *faultSession) tokens(t *testing.T, code string) (string, string) {
	t.Helper()
	clientID := fs.s.srv.URL + "/"
	status, _, body := fs.s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(t, 200, status, "%s", body)
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	return tok.Access, tok.Refresh
}

func (fs *faultSession) write(t *testing.T, msg any) {
	t.Helper()
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, fs.ws.Write(ctx, websocket.MessageText, b))
}

func (fs *faultSession) read(t *testing.T) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := fs.ws.Read(ctx)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// ping checks that the websocket is still open and authenticated.
func (fs *faultSession) ping(t *testing.T) {
	t.Helper()
	fs.wsID++
	fs.write(t, map[string]any{"id": fs.wsID, "type": "ping"})
	assert.Equal(t, map[string]any{"id": float64(fs.wsID), "type": "pong"}, fs.read(t))
}

// stillWorks checks everything the session had: the refresh token, the
// access token, the connection, the user, and a new login.
func (fs *faultSession) stillWorks(t *testing.T) {
	t.Helper()
	clientID := fs.s.srv.URL + "/"
	status, _, body := fs.s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {fs.refresh}})
	assert.Equal(t, 200, status, "%s", body)
	req, _ := http.NewRequest("GET", fs.s.srv.URL+"/api/", nil)
	req.Header.Set("Authorization", "Bearer "+fs.access)
	status, _, _ = fs.s.do(req)
	assert.Equal(t, 200, status)
	fs.ping(t)
	users, err := fs.s.host.Call(context.Background(), core.OpListUsers, nil)
	require.NoError(t, err)
	assert.Contains(t, string(users), `"alice"`)
	fs.tokens(t, fs.s.login("alice", "secret pass"))
}

// TestCoreFaultIsContained makes the core panic inside a Call, as an error
// and (in WebAssembly) as a trap, and checks that the call fails with an
// internal error while everything else carries on: recovery replays from
// a fresh engine when no snapshot was taken yet, and from the last
// snapshot when one was.
func TestCoreFaultIsContained(t *testing.T) {
	for _, tc := range []struct {
		name       string
		checkpoint int
	}{{"replay_from_start", 0}, {"replay_from_snapshot", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFaultSession(t, native.Options{CheckpointInputs: tc.checkpoint})
			for _, args := range []string{`{}`, `{"trap":true}`} {
				_, err := fs.s.host.Call(context.Background(), core.OpFault, []byte(args))
				var ce *core.CallError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "internal_error", ce.Code)
				fs.stillWorks(t)
			}
		})
	}
}

// failing wraps an engine and fails the inputs fail picks, after the inner
// engine has handled them, as a core that panicked half way would leave
// it: recovery must not keep what that input changed.
type failing struct {
	native.Engine
	fail  func(core.Input) bool
	count *atomic.Int32
}

func (f *failing) Step(ctx context.Context, in core.Input) (core.Output, error) {
	out, err := f.Engine.Step(ctx, in)
	if err == nil && f.fail(in) {
		f.count.Add(1)
		return core.Output{}, errors.New("injected engine failure")
	}
	return out, err
}

// failingEngine builds engines of the pass that fail the inputs fail
// picks; rebuilt engines fail the same way.
func failingEngine(t *testing.T, fail func(core.Input) bool, count *atomic.Int32) native.EngineFactory {
	inner := engineForTest(t)
	return func(ctx context.Context, cfg core.Config, seed [32]byte) (native.Engine, error) {
		e, err := inner(ctx, cfg, seed)
		if err != nil {
			return nil, err
		}
		return &failing{Engine: e, fail: fail, count: count}, nil
	}
}

// TestEngineFailureAnswersWithErrors checks how each kind of input is
// answered when the engine fails on it: 500 for HTTP, a closed connection
// for a websocket message, and that what the failed input did is undone.
func TestEngineFailureAnswersWithErrors(t *testing.T) {
	var count atomic.Int32
	var armed atomic.Bool
	fail := func(in core.Input) bool {
		if !armed.Load() {
			return false
		}
		switch {
		case in.HTTP != nil:
			return in.HTTP.Path == "/auth/revoke"
		case in.WSMessage != nil:
			return strings.Contains(string(in.WSMessage.Data), `"boom"`)
		}
		return false
	}
	fs := newFaultSession(t, native.Options{Engine: failingEngine(t, fail, &count), CheckpointInputs: 3})
	armed.Store(true)

	// The revoke fails after the core removed the token: the rebuilt
	// engine must still have it.
	status, _, body := fs.s.postForm("/auth/revoke", url.Values{"token": {fs.refresh}})
	assert.Equal(t, 500, status)
	assert.Contains(t, string(body), "500 Internal Server Error")
	fs.stillWorks(t)

	fs.write(t, map[string]any{"id": 100, "type": "boom"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err := fs.ws.Read(ctx)
	assert.Equal(t, websocket.StatusInternalError, websocket.CloseStatus(err), "%v", err)
	assert.EqualValues(t, 2, count.Load())

	armed.Store(false)
	status, _, _ = fs.s.postForm("/auth/revoke", url.Values{"token": {fs.refresh}})
	assert.Equal(t, 200, status)
	clientID := fs.s.srv.URL + "/"
	status, _, _ = fs.s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {fs.refresh}})
	assert.Equal(t, 400, status, "revoked for real this time")
}

// TestFailedWorkResultIsAnswered fails the engine on a password check's
// result: the login waiting for it must get an answer, not hang.
func TestFailedWorkResultIsAnswered(t *testing.T) {
	var count atomic.Int32
	var armed atomic.Bool
	// Only the first result fails: a replay of it would fail too, and
	// recovery would fall back to reloading the files.
	fail := func(in core.Input) bool {
		return in.WorkDone != nil && in.WorkDone.Error == "" && armed.CompareAndSwap(true, false)
	}
	fs := newFaultSession(t, native.Options{Engine: failingEngine(t, fail, &count)})
	armed.Store(true)
	clientID := fs.s.srv.URL + "/"
	status, m := fs.s.postText("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID})
	require.Equal(t, 200, status)
	status, m = fs.s.postText("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": "alice", "password": "secret pass"})
	assert.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"base": "invalid_auth"}, m["errors"], "a lost check counts as a failed one")
	assert.EqualValues(t, 1, count.Load())
	fs.stillWorks(t)
}

// TestRebuildFallsBackToStoredFiles makes the replay fail too, as a fault
// that is not deterministic would: the host starts over from the stored
// files, keeping everything that was written and closing connections the
// new core does not know.
func TestRebuildFallsBackToStoredFiles(t *testing.T) {
	var count atomic.Int32
	var armed atomic.Bool
	// Two Calls fail: the live one, and the first Call the replay meets
	// (create_user). The test cannot disarm by itself: the loop replays
	// after it has answered the failed call.
	fail := func(in core.Input) bool { return armed.Load() && in.Call != nil && count.Load() < 2 }
	fs := newFaultSession(t, native.Options{Engine: failingEngine(t, fail, &count)})
	_, err := fs.s.host.Call(context.Background(), core.OpFlush, nil)
	require.NoError(t, err)
	armed.Store(true)
	_, err = fs.s.host.Call(context.Background(), core.OpListUsers, nil)
	require.Error(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err = fs.ws.Read(ctx)
	assert.Equal(t, websocket.StatusInternalError, websocket.CloseStatus(err), "%v", err)
	clientID := fs.s.srv.URL + "/"
	status, _, body := fs.s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {fs.refresh}})
	assert.Equal(t, 200, status, "the flushed token survived: %s", body)
	fs.tokens(t, fs.s.login("alice", "secret pass"))
}

// blockingTransport answers every request with an error once the test
// releases it, and reports each request as it arrives.
type blockingTransport struct {
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

// open lets every request, waiting or to come, go on.
func (b *blockingTransport) open() { b.once.Do(func() { close(b.release) }) }

func (b *blockingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	select {
	case b.arrived <- struct{}{}:
	default: // the test waits for the first request only
	}
	<-b.release
	return nil, errors.New("the test refused the fetch")
}

// TestLossyCheckpoint covers the snapshot a host takes when its journal
// reaches the hard limit while effects are outstanding: a login waiting
// for a client page fetch has its continuation only in the journal, not
// in that snapshot. When the engine then fails, recovery from such a
// snapshot must answer the waiting login with an error rather than leave
// it hanging, and the host must go on working whenever the fetch's late
// result arrives. Without
// the forced snapshot, recovery replays the journal and the login goes on
// to its real answer once the fetch ends.
func TestLossyCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hardLimit int
		status    int
		body      map[string]any
	}{
		{"snapshot_with_a_login_waiting", 1, 500, nil},
		{"journal_replayed", 0, 403, map[string]any{"message": "Invalid redirect URI"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.hardLimit > 0 {
				native.SetJournalHardBytes(t, tc.hardLimit)
			}
			tr := &blockingTransport{arrived: make(chan struct{}, 1), release: make(chan struct{})}
			fs := newFaultSession(t, native.Options{HTTPClient: &http.Client{Transport: tr}, CheckpointInputs: 1 << 30})
			t.Cleanup(tr.open) // runs before the host stops, whatever happened
			// A login never answered must not hold the server's shutdown.
			fs.s.srv.Client().Timeout = 20 * time.Second

			type answer struct {
				status int
				body   map[string]any
				err    error
			}
			answered := make(chan answer, 1)
			// The login runs on a goroutine of its own, which must not
			// call require: plain requests, and any error sent back.
			go func() {
				const client, redirect = "http://client.invalid/", "hass://oauth2_redirect"
				post := func(path string, body map[string]any) (int, map[string]any, error) {
					b, _ := json.Marshal(body)
					resp, err := fs.s.srv.Client().Post(fs.s.srv.URL+path, "text/plain;charset=UTF-8", bytes.NewReader(b))
					if err != nil {
						return 0, nil, err
					}
					defer resp.Body.Close()
					var m map[string]any
					json.NewDecoder(resp.Body).Decode(&m)
					return resp.StatusCode, m, nil
				}
				status, m, err := post("/auth/login_flow", map[string]any{"client_id": client, "handler": []any{"homeassistant", nil}, "redirect_uri": redirect})
				if err == nil && status != 200 {
					err = fmt.Errorf("starting the flow: %d %v", status, m)
				}
				if err != nil {
					answered <- answer{err: err}
					return
				}
				flowID, _ := m["flow_id"].(string)
				status, m, err = post("/auth/login_flow/"+flowID, map[string]any{"client_id": client, "username": "alice", "password": "secret pass"})
				answered <- answer{status, m, err}
			}()
			select {
			case <-tr.arrived:
			case a := <-answered:
				t.Fatalf("the login was answered before it fetched the client page: %+v", a)
			case <-time.After(10 * time.Second):
				t.Fatal("the login never fetched the client page")
			}

			_, err := fs.s.host.Call(context.Background(), core.OpFault, []byte(`{}`))
			var ce *core.CallError
			require.ErrorAs(t, err, &ce)
			wait := func() answer {
				select {
				case a := <-answered:
					require.NoError(t, a.err)
					return a
				case <-time.After(10 * time.Second):
					t.Fatal("the waiting login was never answered")
					return answer{}
				}
			}
			if tc.status == 500 {
				a := wait()
				assert.Equal(t, 500, a.status, "the waiting login is answered once the engine is rebuilt")
				tr.open()
			} else {
				tr.open()
				a := wait()
				assert.Equal(t, tc.status, a.status)
				assert.Equal(t, tc.body, a.body)
			}
			fs.stillWorks(t)
		})
	}
}
