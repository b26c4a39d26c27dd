package native_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// clock is a settable clock for a host, so that a TOTP code computed by the
// test is the one the core expects whatever the wall clock does meanwhile.
type clock struct{ us atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.us.Store(time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC).UnixMicro())
	return c
}

func (c *clock) now() time.Time          { return time.UnixMicro(c.us.Load()) }
func (c *clock) advance(d time.Duration) { c.us.Add(d.Microseconds()) }
func (c *clock) totp(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, c.now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	require.NoError(t, err)
	return code
}

// startClocked starts a host on dir with a settable clock; cfg nil reads
// the directory's configuration files.
func startClocked(t *testing.T, dir string, cfg *core.Config, clk *clock) *server {
	t.Helper()
	h, err := native.Open(native.Options{ConfigDir: dir, Config: cfg, Now: clk.now, Engine: engineForTest(t)})
	require.NoError(t, err)
	s := &server{t: t, host: h, srv: httptest.NewServer(h), dir: dir}
	t.Cleanup(s.stop)
	return s
}

// passwordStep opens a login flow, sends the password and returns the
// flow id and the answer.
func (s *server) passwordStep(username, password string) (string, map[string]any) {
	s.t.Helper()
	clientID := s.srv.URL + "/"
	status, m := s.postText("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID})
	require.Equal(s.t, 200, status)
	flowID := m["flow_id"].(string)
	status, m = s.postText("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "username": username, "password": password})
	require.Equal(s.t, 200, status, "%v", m)
	return flowID, m
}

func (s *server) mfaStep(flowID string, input map[string]any) map[string]any {
	s.t.Helper()
	body := map[string]any{"client_id": s.srv.URL + "/"}
	for k, v := range input {
		body[k] = v
	}
	status, m := s.postText("/auth/login_flow/"+flowID, body)
	require.Equal(s.t, 200, status, "%v", m)
	return m
}

// addUser creates test-user (password test-pass) through the host's Call.
func (s *server) addUser() {
	s.t.Helper()
	_, err := s.host.Call(context.Background(), core.OpCreateUser, []byte(`{"username":"test-user","password":"test-pass","name":"Test User"}`))
	require.NoError(s.t, err)
}

func (s *server) accessToken(code string) string {
	s.t.Helper()
	status, _, body := s.postForm("/auth/token", url.Values{"client_id": {s.srv.URL + "/"}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(s.t, 200, status, "%s", body)
	var tok struct {
		Access string `json:"access_token"`
	}
	require.NoError(s.t, json.Unmarshal(body, &tok))
	return tok.Access
}

// mfaSocket is a websocket client on the host's /api/websocket.
type mfaSocket struct {
	t  *testing.T
	c  *websocket.Conn
	id int
}

func (s *server) websocket(access string) *mfaSocket {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.srv.URL, "http")+"/api/websocket", nil)
	require.NoError(s.t, err)
	w := &mfaSocket{t: s.t, c: c}
	s.t.Cleanup(func() { c.CloseNow() })
	assert.Equal(s.t, "auth_required", w.read()["type"])
	w.write(map[string]any{"type": "auth", "access_token": access})
	require.Equal(s.t, "auth_ok", w.read()["type"])
	return w
}

func (w *mfaSocket) read() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	require.NoError(w.t, err)
	var m map[string]any
	require.NoError(w.t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func (w *mfaSocket) write(msg map[string]any) {
	w.t.Helper()
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(w.t, w.c.Write(ctx, websocket.MessageText, b))
}

// command sends a command and returns its successful result.
func (w *mfaSocket) command(msg map[string]any) map[string]any {
	w.t.Helper()
	w.id++
	msg["id"] = w.id
	w.write(msg)
	m := w.read()
	require.EqualValues(w.t, w.id, m["id"])
	require.Equal(w.t, true, m["success"], "%v", m)
	return m["result"].(map[string]any)
}

// TestTOTPSetupOverWebsocket sets the authenticator app up over a real
// websocket on loopback and logs in with a code from github.com/pquerna/otp;
// the secret is on disk, private, for the next start.
func TestTOTPSetupOverWebsocket(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	// Home Assistant's default modules (totp), with cheap password hashes.
	s := startClocked(t, dir, &core.Config{BcryptCost: 4}, clk)
	s.addUser()
	access := s.accessToken(s.login("test-user", "test-pass"))

	ws := s.websocket(access)
	form := ws.command(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "totp"})
	require.Equal(t, "form", form["type"])
	secret := form["description_placeholders"].(map[string]any)["code"].(string)
	entry := ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": clk.totp(t, secret)}})
	require.Equal(t, "create_entry", entry["type"], "%v", entry)
	assert.Equal(t, map[string]any{"result": secret}, entry["data"])

	info, err := os.Stat(filepath.Join(dir, ".storage", "auth_module.totp"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	stored, _ := os.ReadFile(filepath.Join(dir, ".storage", "auth_module.totp"))
	assert.Regexp(t, `"users": \{\n {6}"[0-9a-f]{32}": "`+secret+`"\n {4}\}`, string(stored))

	clk.advance(time.Minute)
	flowID, m := s.passwordStep("test-user", "test-pass")
	require.Equal(t, "mfa", m["step_id"], "%v", m)
	m = s.mfaStep(flowID, map[string]any{"code": clk.totp(t, secret)})
	require.Equal(t, "create_entry", m["type"], "%v", m)
	assert.NotEmpty(t, s.accessToken(m["result"].(string)))
}

// TestTOTPFromHomeAssistantDirectory logs in a user whose secret Home
// Assistant stored, over HTTP.
func TestTOTPFromHomeAssistantDirectory(t *testing.T) {
	dir := copyDir(t, "testdata/ha-config-totp")
	clk := newClock()
	s := startClocked(t, dir, nil, clk)
	flowID, m := s.passwordStep("test-user", "test-pass")
	require.Equal(t, "mfa", m["step_id"], "%v", m)
	assert.Equal(t, map[string]any{"mfa_module_name": "Authenticator app", "mfa_module_id": "totp"}, m["description_placeholders"])
	m = s.mfaStep(flowID, map[string]any{"code": clk.totp(t, "OBCZ5WG4C2HWZMBXKQ7RZ6V4UUOQGH3E")})
	require.Equal(t, "create_entry", m["type"], "%v", m)
}

var loginCode = regexp.MustCompile(`^Code (\d{6})$`)

// TestNotifyThroughWebhook configures a webhook service in hassauth.yaml
// for the notify module, sets the module up over the websocket and logs in
// with the code the webhook got.
func TestNotifyThroughWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer hook.Close()
	last := func() map[string]any {
		mu.Lock()
		defer mu.Unlock()
		require.NotEmpty(t, got)
		return got[len(got)-1]
	}

	dir := t.TempDir()
	writeFile(t, dir, native.HassauthFile, "notify:\n  - name: hook\n    webhook: "+hook.URL+"/code\n")
	message := "Code {}"
	cfg := &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{{Type: "notify", Message: &message}}}
	s := startClocked(t, dir, cfg, newClock())
	s.addUser()
	access := s.accessToken(s.login("test-user", "test-pass"))

	ws := s.websocket(access)
	form := ws.command(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "notify"})
	assert.Equal(t, []any{
		map[string]any{"type": "select", "options": []any{[]any{"hook", "hook"}}, "name": "notify_service", "required": false},
		map[string]any{"type": "string", "name": "target", "required": false},
	}, form["data_schema"])
	form = ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"notify_service": "hook", "target": "me"}})
	require.Equal(t, "setup", form["step_id"], "%v", form)
	sent := last()
	assert.Equal(t, "hook", sent["service"])
	assert.Equal(t, []any{"me"}, sent["target"])
	code := loginCode.FindStringSubmatch(sent["message"].(string))
	require.NotNil(t, code, "%v", sent)
	entry := ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": code[1]}})
	require.Equal(t, "create_entry", entry["type"], "%v", entry)

	flowID, m := s.passwordStep("test-user", "test-pass")
	require.Equal(t, "mfa", m["step_id"], "%v", m)
	code = loginCode.FindStringSubmatch(last()["message"].(string))
	require.NotNil(t, code)
	m = s.mfaStep(flowID, map[string]any{"code": code[1]})
	require.Equal(t, "create_entry", m["type"], "%v", m)
}
