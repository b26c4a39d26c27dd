package native_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/wscases"
)

// storedSystemUser is a .storage/auth with only a system user.
const storedSystemUser = `{"version":1,"minor_version":1,"key":"auth","data":{` +
	`"users":[{"id":"c0ffee00c0ffee00c0ffee00c0ffee00","group_ids":["system-read-only"],"is_owner":false,"is_active":true,` +
	`"name":"Home Assistant Content","system_generated":true,"local_only":false}],` +
	`"groups":[{"id":"system-admin","name":"Administrators"},{"id":"system-users","name":"Users"},` +
	`{"id":"system-read-only","name":"Read Only"}],"credentials":[],"refresh_tokens":[]}}`

func wsFixtureConfig() *core.Config {
	name := "Ex"
	return &core.Config{BcryptCost: 4, Providers: []core.ProviderConfig{
		{Type: "homeassistant"},
		{Type: "insecure_example", Users: []core.ExampleUser{{Username: "ex", Password: "ex-pass", Name: &name}}},
	}}
}

// wsClient is a real websocket connection to the server.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func (s *server) wsDial() *wsClient {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.srv.URL, "http")+"/api/websocket", nil)
	require.NoError(s.t, err)
	w := &wsClient{t: s.t, c: c}
	s.t.Cleanup(func() { c.CloseNow() })
	return w
}

func (w *wsClient) write(msg string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(w.t, w.c.Write(ctx, websocket.MessageText, []byte(msg)))
}

// read returns the next frame, or an error when the connection closed.
func (w *wsClient) read() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	return b, err
}

// wsConnect dials and authenticates; the auth message goes out before the
// client reads auth_required, as home-assistant-js-websocket does.
func (s *server) wsConnect(access string) *wsClient {
	s.t.Helper()
	w := s.wsDial()
	w.write(`{"type":"auth","access_token":"` + access + `"}`)
	b, err := w.read()
	require.NoError(s.t, err)
	require.JSONEq(s.t, `{"type":"auth_required","ha_version":"2026.9.1"}`, string(b))
	b, err = w.read()
	require.NoError(s.t, err)
	require.Equal(s.t, `{"type":"auth_ok","ha_version":"2026.9.1"}`, string(b))
	return w
}

func field(t *testing.T, b []byte, key string) string {
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	s, _ := m[key].(string)
	return s
}

// tokens exchanges a code through the multipart form the JS client sends.
func (s *server) tokens(code string) (access, refresh string) {
	s.t.Helper()
	status, _, body := s.postMultipart("/auth/token", [][2]string{{"client_id", s.srv.URL + "/"}, {"grant_type", "authorization_code"}, {"code", code}})
	require.Equal(s.t, 200, status, "%s", body)
	return field(s.t, body, "access_token"), field(s.t, body, "refresh_token")
}

// nativeFixture is wscases' fixture over real sockets.
type nativeFixture struct {
	s     *server
	conns map[string]*wsClient
}

func (f *nativeFixture) Command(actor string, msg []byte) ([]byte, bool) {
	w := f.conns[actor]
	w.write(string(msg))
	prefix := string(msg[:strings.IndexByte(string(msg), ',')+1])
	for {
		b, err := w.read()
		if err != nil {
			return nil, true
		}
		if strings.HasPrefix(string(b), prefix) {
			return b, false
		}
	}
}

// TestWSCommandsOverSockets runs the shared table of websocket command
// cases (spec §10.4-§10.6) through real connections on a loopback port.
func TestWSCommandsOverSockets(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".storage"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".storage", "auth"), []byte(storedSystemUser), 0o600))
	s := start(t, dir, wsFixtureConfig())
	f := &nativeFixture{s: s, conns: map[string]*wsClient{}}
	vars := map[string]string{"system": "c0ffee00c0ffee00c0ffee00c0ffee00", "client_id": s.srv.URL + "/"}
	for _, u := range []struct{ name, group string }{
		{"owner", ""}, {"admin", "system-admin"}, {"user", "system-users"}, {"readonly", "system-read-only"},
	} {
		args := map[string]any{"username": u.name, "password": u.name + "-pass"}
		if u.group != "" {
			args["group"] = u.group
		}
		vars[u.name] = field(t, s.call(core.OpCreateUser, args), "id")
		access, _ := s.tokens(s.login(u.name, u.name+"-pass"))
		vars[u.name+".rt"] = field(t, s.call(core.OpValidateAccessToken, map[string]string{"token": access}), "refresh_token_id")
		f.conns[u.name] = s.wsConnect(access)
	}
	access, _ := s.tokens(s.login("user", "user-pass"))
	vars["user.rt2"] = field(t, s.call(core.OpValidateAccessToken, map[string]string{"token": access}), "refresh_token_id")

	clientID := s.srv.URL + "/"
	_, m := s.postText("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"insecure_example", nil}, "redirect_uri": clientID})
	_, m = s.postText("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": "ex", "password": "ex-pass"})
	access, _ = s.tokens(m["result"].(string))
	vars["example"] = field(t, s.call(core.OpValidateAccessToken, map[string]string{"token": access}), "user_id")
	f.conns["example"] = s.wsConnect(access)

	wscases.Run(f, vars, func(name, problem string) { t.Errorf("%s: %s", name, problem) })
}

// TestWSAuthOverSockets checks the auth phase on a real connection: a bad
// token gets auth_invalid and a close; a revoked token closes its socket.
func TestWSAuthOverSockets(t *testing.T) {
	s := start(t, t.TempDir(), &core.Config{BcryptCost: 4})
	s.call(core.OpCreateUser, map[string]string{"username": "alice", "password": "alice-pass"})

	w := s.wsDial()
	b, err := w.read()
	require.NoError(t, err)
	assert.Equal(t, `{"type":"auth_required","ha_version":"2026.9.1"}`, string(b))
	w.write(`{"type":"auth","access_token":"incorrect"}`)
	b, err = w.read()
	require.NoError(t, err)
	assert.Equal(t, `{"type":"auth_invalid","message":"Invalid access token or password"}`, string(b))
	_, err = w.read()
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))

	access, refresh := s.tokens(s.login("alice", "alice-pass"))
	w = s.wsConnect(access)
	w.write(`{"id":1,"type":"ping"}`)
	b, err = w.read()
	require.NoError(t, err)
	assert.Equal(t, `{"id":1,"type":"pong"}`, string(b))
	status, _, _ := s.postForm("/auth/revoke", url.Values{"token": {refresh}})
	require.Equal(t, 200, status)
	_, err = w.read()
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err), "WSA-11: revoking the token closes the socket")
}
