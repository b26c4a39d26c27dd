package native_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// lockedBuffer is a log destination that handlers on several goroutines
// share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// codeNotifier keeps the notify-module messages it is given.
type codeNotifier struct {
	mu   sync.Mutex
	sent []string
}

func (n *codeNotifier) Notify(_ context.Context, msg core.Notify) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, msg.Message)
	return nil
}

func (n *codeNotifier) last(t *testing.T) string {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	require.NotEmpty(t, n.sent)
	m := loginCode.FindStringSubmatch(n.sent[len(n.sent)-1])
	require.NotNil(t, m, "%q", n.sent[len(n.sent)-1])
	return m[1]
}

// transcript records everything the server sent to the test's clients,
// each piece under the name of the exchange that got it.
type transcript struct {
	t      *testing.T
	s      *server
	pieces []piece
}

type piece struct {
	where string
	data  string
}

func (tr *transcript) add(where string, data []byte) {
	tr.pieces = append(tr.pieces, piece{where, string(data)})
}

func (tr *transcript) post(where, path, contentType, body string, header ...string) (int, []byte) {
	tr.t.Helper()
	return tr.send(where, "POST", path, contentType, body, header...)
}

func (tr *transcript) send(where, method, path, contentType, body string, header ...string) (int, []byte) {
	tr.t.Helper()
	req, err := http.NewRequest(method, tr.s.srv.URL+path, strings.NewReader(body))
	require.NoError(tr.t, err)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	status, _, b := tr.s.do(req)
	tr.add(where, b)
	return status, b
}

func (tr *transcript) postJSON(where, path string, body any) map[string]any {
	tr.t.Helper()
	b, _ := json.Marshal(body)
	status, out := tr.post(where, path, "text/plain;charset=UTF-8", string(b))
	require.Equal(tr.t, 200, status, "%s: %s", where, out)
	var m map[string]any
	require.NoError(tr.t, json.Unmarshal(out, &m))
	return m
}

func (tr *transcript) postForm(where string, form url.Values) (int, map[string]any) {
	tr.t.Helper()
	status, out := tr.post(where, "/auth/token", "application/x-www-form-urlencoded", form.Encode())
	var m map[string]any
	json.Unmarshal(out, &m)
	return status, m
}

// loginSteps runs a login flow through its steps and returns the answer
// to the last one.
func (tr *transcript) loginSteps(where string, steps ...map[string]any) map[string]any {
	tr.t.Helper()
	clientID := tr.s.srv.URL + "/"
	m := tr.postJSON(where, "/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID})
	flowID := m["flow_id"].(string)
	for _, step := range steps {
		step["client_id"] = clientID
		m = tr.postJSON(where, "/auth/login_flow/"+flowID, step)
	}
	return m
}

// exchange trades a code for tokens.
func (tr *transcript) exchange(where, code string) (access, refresh string) {
	tr.t.Helper()
	status, m := tr.postForm(where, url.Values{"client_id": {tr.s.srv.URL + "/"}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(tr.t, 200, status, "%v", m)
	return m["access_token"].(string), m["refresh_token"].(string)
}

// socket is a websocket connection whose frames go into the transcript.
type socket struct {
	tr *transcript
	c  *websocket.Conn
	id int
}

func (tr *transcript) socket(where, access string) *socket {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(tr.s.srv.URL, "http")+"/api/websocket", nil)
	require.NoError(tr.t, err)
	tr.t.Cleanup(func() { c.CloseNow() })
	w := &socket{tr: tr, c: c}
	w.write(`{"type":"auth","access_token":"` + access + `"}`)
	w.read(where)
	if m := w.read(where); m["type"] != "auth_ok" {
		return nil
	}
	return w
}

func (w *socket) write(msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(w.tr.t, w.c.Write(ctx, websocket.MessageText, []byte(msg)))
}

func (w *socket) read(where string) map[string]any {
	w.tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		return nil
	}
	w.tr.add(where, b)
	var m map[string]any
	require.NoError(w.tr.t, json.Unmarshal(b, &m))
	return m
}

// command sends a command and returns its answer.
func (w *socket) command(where string, msg map[string]any) map[string]any {
	w.tr.t.Helper()
	w.id++
	msg["id"] = w.id
	b, _ := json.Marshal(msg)
	w.write(string(b))
	m := w.read(where)
	require.EqualValues(w.tr.t, w.id, m["id"], "%v", m)
	return m
}

// ok sends a command that must succeed and returns its result.
func (w *socket) ok(where string, msg map[string]any) any {
	w.tr.t.Helper()
	m := w.command(where, msg)
	require.Equal(w.tr.t, true, m["success"], "%s: %v", where, m)
	return m["result"]
}

// TestNoSecretInLogs runs the life of two users through real HTTP and
// websockets (onboarding, password logins, TOTP and notify set up and used,
// refreshes, a long-lived token, password changes, failed attempts, a
// revocation) with a logger that keeps every line, and then checks that no
// secret used on the way appears in any log line (which carry the core's
// Log effects), and that each secret reached the clients only where it is
// meant to go.
func TestNoSecretInLogs(t *testing.T) {
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	notifier := &codeNotifier{}
	message := "Code {}"
	cfg := &core.Config{BcryptCost: 4, NotifyServices: []string{"phone"}, MFAModules: []core.MFAModuleConfig{
		{Type: "totp"}, {Type: "notify", Message: &message},
	}}
	dir := t.TempDir()
	clk := newClock()
	h, err := native.Open(native.Options{ConfigDir: dir, Config: cfg, Now: clk.now, Logger: logger, Notify: notifier})
	require.NoError(t, err)
	s := &server{t: t, host: h, srv: httptest.NewServer(h), dir: dir}
	t.Cleanup(s.stop)
	tr := &transcript{t: t, s: s}
	clientID := s.srv.URL + "/"

	// secrets maps each secret to the exchanges allowed to carry it.
	secrets := map[string][]string{}
	allow := func(secret string, where ...string) {
		require.NotEmpty(t, secret)
		secrets[secret] = append(secrets[secret], where...)
	}
	const (
		ownerPass  = "owner-Pass-1 with spaces"
		ownerPass2 = "owner-Pass-2"
		wrongPass  = "owner-Pass-l"
		bobPass    = "bob-Pass-1"
		bobPass2   = "bob-Pass-2"
	)
	for _, p := range []string{ownerPass, ownerPass2, wrongPass, bobPass, bobPass2} {
		allow(p)
	}

	// Onboarding creates the owner and gives a code.
	m := tr.postJSON("onboarding", "/api/onboarding/users", map[string]any{"client_id": clientID, "name": "Owner", "username": "owner", "password": ownerPass, "language": "en"})
	code := m["auth_code"].(string)
	allow(code, "onboarding")
	access1, refresh1 := tr.exchange("exchange1", code)
	allow(access1, "exchange1")
	allow(refresh1, "exchange1")

	// TOTP set up over the websocket.
	ws := tr.socket("ws1", access1)
	require.NotNil(t, ws)
	form := ws.ok("setup_totp", map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "totp"}).(map[string]any)
	secret := form["description_placeholders"].(map[string]any)["code"].(string)
	// The form shows it again after a wrong code, as Home Assistant does.
	allow(secret, "setup_totp", "setup_totp_wrong", "setup_totp_done")
	wrongCode := clk.totp(t, secret)
	wrongCode = wrongCode[:5] + string('0'+(wrongCode[5]-'0'+1)%10)
	m = ws.command("setup_totp_wrong", map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": wrongCode}})
	require.Equal(t, true, m["success"])
	totpCode := clk.totp(t, secret)
	allow(totpCode)
	entry := ws.ok("setup_totp_done", map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": totpCode}}).(map[string]any)
	require.Equal(t, "create_entry", entry["type"])

	// Notify set up: a code goes to the phone.
	form = ws.ok("setup_notify", map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "notify"}).(map[string]any)
	form = ws.ok("setup_notify", map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"notify_service": "phone", "target": "me"}}).(map[string]any)
	notifyCode := notifier.last(t)
	allow(notifyCode)
	entry = ws.ok("setup_notify", map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": notifyCode}}).(map[string]any)
	require.Equal(t, "create_entry", entry["type"], "%v", entry)

	// A failed login, then a login with TOTP and one with notify.
	m = tr.loginSteps("login_wrong", map[string]any{"username": "owner", "password": wrongPass})
	require.Equal(t, map[string]any{"base": "invalid_auth"}, m["errors"])
	clk.advance(time.Minute)
	m = tr.loginSteps("login_totp_wrong", map[string]any{"username": "owner", "password": ownerPass},
		map[string]any{"multi_factor_auth_module": "totp"}, map[string]any{"code": wrongCode})
	require.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"], "%v", m)
	totpCode = clk.totp(t, secret)
	allow(totpCode)
	m = tr.loginSteps("login_totp", map[string]any{"username": "owner", "password": ownerPass},
		map[string]any{"multi_factor_auth_module": "totp"}, map[string]any{"code": totpCode})
	require.Equal(t, "create_entry", m["type"], "%v", m)
	allow(m["result"].(string), "login_totp")
	access2, refresh2 := tr.exchange("exchange2", m["result"].(string))
	allow(access2, "exchange2")
	allow(refresh2, "exchange2")

	clientIDx := clientID
	mNotify := tr.postJSON("login_notify", "/auth/login_flow", map[string]any{"client_id": clientIDx, "handler": []any{"homeassistant", nil}, "redirect_uri": clientIDx})
	flowID := mNotify["flow_id"].(string)
	tr.postJSON("login_notify", "/auth/login_flow/"+flowID, map[string]any{"client_id": clientIDx, "username": "owner", "password": ownerPass})
	tr.postJSON("login_notify", "/auth/login_flow/"+flowID, map[string]any{"client_id": clientIDx, "multi_factor_auth_module": "notify"})
	notifyCode = notifier.last(t)
	allow(notifyCode)
	m = tr.postJSON("login_notify", "/auth/login_flow/"+flowID, map[string]any{"client_id": clientIDx, "code": notifyCode})
	require.Equal(t, "create_entry", m["type"], "%v", m)
	allow(m["result"].(string), "login_notify")
	access3, refresh3 := tr.exchange("exchange3", m["result"].(string))
	allow(access3, "exchange3")
	allow(refresh3, "exchange3")

	// A refresh, a long-lived token and the token list.
	status, m := tr.postForm("refresh", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh1}})
	require.Equal(t, 200, status)
	allow(m["access_token"].(string), "refresh")
	llat := ws.ok("llat", map[string]any{"type": "auth/long_lived_access_token", "client_name": "Script", "lifespan": 365}).(string)
	allow(llat, "llat")
	list := ws.ok("refresh_tokens", map[string]any{"type": "auth/refresh_tokens"}).([]any)
	require.Len(t, list, 4)
	for _, item := range list {
		for key := range item.(map[string]any) {
			assert.NotContains(t, []string{"token", "jwt_key"}, key)
		}
	}
	tr.add("list_tokens", s.call(core.OpListTokens, nil))
	ws.ok("sign_path", map[string]any{"type": "auth/sign_path", "path": "/api/x"})

	// Password changes: the owner's own, and an admin's for a new user.
	ws.ok("change_password", map[string]any{"type": "config/auth_provider/homeassistant/change_password", "current_password": ownerPass, "new_password": ownerPass2})
	m = ws.command("change_password_wrong", map[string]any{"type": "config/auth_provider/homeassistant/change_password", "current_password": wrongPass, "new_password": ownerPass2})
	require.Equal(t, false, m["success"])
	user := ws.ok("create_user", map[string]any{"type": "config/auth/create", "name": "Bob"}).(map[string]any)["user"].(map[string]any)
	ws.ok("create_login", map[string]any{"type": "config/auth_provider/homeassistant/create", "user_id": user["id"], "username": "bob", "password": bobPass})
	ws.ok("admin_password", map[string]any{"type": "config/auth_provider/homeassistant/admin_change_password", "user_id": user["id"], "password": bobPass2})
	m = tr.loginSteps("login_bob", map[string]any{"username": "bob", "password": bobPass2})
	require.Equal(t, "create_entry", m["type"], "%v", m)
	allow(m["result"].(string), "login_bob")
	access4, refresh4 := tr.exchange("exchange4", m["result"].(string))
	allow(access4, "exchange4")
	allow(refresh4, "exchange4")

	// A revoked token: the revocation, a refresh and a websocket with it
	// after it, and a token that was never valid.
	tr.post("revoke", "/auth/revoke", "application/x-www-form-urlencoded", url.Values{"token": {refresh4}}.Encode())
	status, _ = tr.postForm("refresh_revoked", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh4}})
	require.Equal(t, 400, status)
	require.Nil(t, tr.socket("ws_revoked", access4))
	status, _ = tr.send("api_revoked", "GET", "/api/", "text/plain", "", "Authorization", "Bearer "+access4)
	require.Equal(t, 401, status)

	// Secrets where they do not belong: a password in the query string of
	// a request that fails (the old api_password), a refresh token in the
	// query of a refused grant, and an auth message refused for its format
	// (a token in a list). The failures are logged, the secrets must not
	// be.
	status, _ = tr.send("api_password", "GET", "/api/?api_password="+url.QueryEscape(ownerPass2), "", "")
	require.Equal(t, 401, status)
	status, _ = tr.post("query_token", "/auth/token?grant_type=refresh_token&refresh_token="+refresh2, "application/x-www-form-urlencoded", "")
	require.Equal(t, 400, status)
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.srv.URL, "http")+"/api/websocket", nil)
		require.NoError(t, err)
		defer c.CloseNow()
		w := &socket{tr: tr, c: c}
		w.write(`{"type":"auth","access_token":["` + access2 + `"]}`)
		w.read("ws_malformed")
		// The client is told what it sent wrong, with what it sent.
		m := w.read("ws_malformed")
		require.Equal(t, "auth_invalid", m["type"], "%v", m)
		require.Contains(t, m["message"], access2)
	}()
	secrets[access2] = append(secrets[access2], "ws_malformed")

	s.stop()
	// The keys of every token ever stored.
	stored, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
	require.NoError(t, err)
	var auth struct {
		Data struct {
			Tokens []struct {
				Token  string `json:"token"`
				JWTKey string `json:"jwt_key"`
			} `json:"refresh_tokens"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(stored, &auth))
	require.Len(t, auth.Data.Tokens, 4)
	for _, tok := range auth.Data.Tokens {
		allow(tok.JWTKey)
		// The LLAT's refresh token is never given out.
		if _, ok := secrets[tok.Token]; !ok {
			allow(tok.Token)
		}
	}

	lines := logs.String()
	require.Contains(t, lines, "Login attempt or request with invalid authentication", "the failed attempts were logged")
	for secret, places := range secrets {
		assert.NotContains(t, lines, secret, "a secret is in the log")
		for _, p := range tr.pieces {
			if strings.Contains(p.data, secret) && !contains(places, p.where) {
				t.Errorf("%s got a secret meant only for %v: %.200s", p.where, places, p.data)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
