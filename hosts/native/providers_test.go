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
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// startWith opens a host on a fresh directory with opts and serves it.
func startWith(t *testing.T, dir string, opts native.Options) *server {
	t.Helper()
	opts.ConfigDir = dir
	if opts.Engine == nil {
		opts.Engine = engineForTest(t)
	}
	h, err := native.Open(opts)
	require.NoError(t, err)
	s := &server{t: t, host: h, srv: httptest.NewServer(h), dir: dir}
	t.Cleanup(s.stop)
	return s
}

func (s *server) call(op string, args any) json.RawMessage {
	s.t.Helper()
	var b []byte
	if args != nil {
		b, _ = json.Marshal(args)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := s.host.Call(ctx, op, b)
	require.NoError(s.t, err)
	return v
}

// flow starts a login flow and submits input; it returns the final reply.
func (s *server) flow(handler, client, redirect string, input map[string]any) (int, map[string]any) {
	s.t.Helper()
	status, m := s.postText("/auth/login_flow", map[string]any{"client_id": client, "handler": []any{handler, nil}, "redirect_uri": redirect})
	require.Equal(s.t, 200, status, "%v", m)
	if m["type"] != "form" {
		return status, m
	}
	input["client_id"] = client
	return s.postText("/auth/login_flow/"+m["flow_id"].(string), input)
}

func (s *server) get(path string, header ...string) (int, http.Header, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(req)
}

func checkScript(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs("testdata/command_line/check.sh")
	require.NoError(t, err)
	return path
}

// The command_line provider runs a real command through the host.
func TestCommandLineProviderOverHTTP(t *testing.T) {
	cfg := &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{},
		Providers: []core.ProviderConfig{{Type: "command_line", Command: checkScript(t), Meta: true}}}
	s := startWith(t, t.TempDir(), native.Options{Config: cfg})
	client := s.srv.URL + "/"

	status, m := s.flow("command_line", client, client, map[string]any{"username": "alice", "password": "nope"})
	require.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"base": "invalid_auth"}, m["errors"], "exit code 3")

	status, m = s.flow("command_line", client, client, map[string]any{"username": " alice ", "password": "wonder land"})
	require.Equal(t, 200, status)
	require.Equal(t, "create_entry", m["type"], "%v", m)
	status, _, body := s.postForm("/auth/token", url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {m["result"].(string)}})
	require.Equal(t, 200, status, "%s", body)

	var users []map[string]any
	require.NoError(t, json.Unmarshal(s.call(core.OpListUsers, nil), &users))
	require.Len(t, users, 1)
	assert.Equal(t, "Alice Liddell", users[0]["name"])
	assert.Equal(t, []any{"system-users"}, users[0]["group_ids"])
	assert.Equal(t, true, users[0]["local_only"])
}

// clientApp serves IndieAuth client pages and metadata documents.
func clientApp(t *testing.T, tlsServer bool) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	var srv *httptest.Server
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			io.WriteString(w, `<!doctype html><html><head><link rel="redirect_uri" href="hass://oauth2_redirect"><link rel="redirect_uri" href="/cb"></head></html>`)
		case "/moved":
			http.Redirect(w, r, "/", http.StatusFound)
		case "/nolinks":
			io.WriteString(w, "<html><body>An app</body></html>")
		case "/big":
			io.WriteString(w, "<html>"+strings.Repeat(" ", 10240)+`<link rel="redirect_uri" href="hass://late">`)
		case "/client.json":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"client_id":"`+srv.URL+`/client.json","client_name":"App","redirect_uris":["app:/callback"]}`)
		case "/old.json":
			http.Redirect(w, r, "/old-doc.json", http.StatusMovedPermanently)
		case "/old-doc.json":
			io.WriteString(w, `{"client_id":"`+srv.URL+`/old.json","redirect_uris":["app:/callback"]}`)
		case "/stall":
			w.(http.Flusher).Flush()
			<-release
		default:
			http.NotFound(w, r)
		}
	})
	if tlsServer {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// §8 through the login flow with real fetches: link tags (after a redirect
// too), the 10240-byte cap, and a metadata document over https that counts
// only when it is not redirected (LF-09 for a page without links).
func TestIndieAuthOverHTTP(t *testing.T) {
	app := clientApp(t, true)
	s := startWith(t, t.TempDir(), native.Options{Config: &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{}}, HTTPClient: app.Client()})
	s.call(core.OpCreateUser, map[string]any{"username": "alice", "password": "secret pass"})
	cases := []struct {
		name, client, redirect string
		allowed                bool
	}{
		{"IA-44/link tag", app.URL + "/", "hass://oauth2_redirect", true},
		{"IA-44/relative link tag on another client", app.URL + "/moved", app.URL + "/cb", true},
		{"link tags after a redirect", app.URL + "/moved", "hass://oauth2_redirect", true},
		{"LF-09/no link tags", app.URL + "/nolinks", "hass://oauth2_redirect", false},
		{"IA-45/after 10240 bytes", app.URL + "/big", "hass://late", false},
		{"metadata document", app.URL + "/client.json", "app:/callback", true},
		{"metadata document not redirected", app.URL + "/old.json", "app:/callback", false},
		{"unreachable client", "https://127.0.0.1:1/", "app:/callback", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, m := s.flow("homeassistant", c.client, c.redirect, map[string]any{"username": "alice", "password": "secret pass"})
			if c.allowed {
				require.Equal(t, 200, status, "%v", m)
				assert.Equal(t, "create_entry", m["type"])
			} else {
				assert.Equal(t, 403, status)
				assert.Equal(t, map[string]any{"message": "Invalid redirect URI"}, m)
			}
		})
	}
}

// A client page that never finishes answering fails the login when the
// fetch's time is up.
func TestIndieAuthFetchTimeoutOverHTTP(t *testing.T) {
	app := clientApp(t, false)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	s := startWith(t, t.TempDir(), native.Options{Config: &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{}}, HTTPClient: client})
	s.call(core.OpCreateUser, map[string]any{"username": "alice", "password": "secret pass"})
	status, m := s.flow("homeassistant", app.URL+"/stall", "hass://oauth2_redirect", map[string]any{"username": "alice", "password": "secret pass"})
	assert.Equal(t, 403, status)
	assert.Equal(t, map[string]any{"message": "Invalid redirect URI"}, m)
}

// Bans end to end: ip_bans.yaml written as Home Assistant writes it, read
// again after a restart, and a 403 for every request, websocket included.
func TestBansOverHTTP(t *testing.T) {
	dir := t.TempDir()
	threshold := 2
	cfg := &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{}, HTTP: core.HTTPConfig{LoginAttemptsThreshold: &threshold}}
	s := startWith(t, dir, native.Options{Config: cfg})
	s.call(core.OpCreateUser, map[string]any{"username": "alice", "password": "secret pass"})

	status, _, _ := s.get("/api/", "Authorization", "Bearer nope")
	assert.Equal(t, 401, status)
	status, _, _ = s.get("/auth/providers")
	assert.Equal(t, 200, status, "one failure is not a ban")
	status, _, _ = s.get("/api/")
	assert.Equal(t, 401, status)

	b, err := os.ReadFile(filepath.Join(dir, native.BansFile))
	require.NoError(t, err)
	assert.Regexp(t, `^\n127\.0\.0\.1:\n  banned_at: '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00'\n$`, string(b))

	expectBanned := func(s *server) {
		t.Helper()
		status, _, body := s.get("/auth/providers")
		assert.Equal(t, 403, status)
		assert.Equal(t, "403: Forbidden", string(body))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, resp, err := websocket.Dial(ctx, s.srv.URL+"/api/websocket", nil)
		require.Error(t, err)
		if c != nil {
			c.CloseNow()
		}
		require.NotNil(t, resp)
		assert.Equal(t, 403, resp.StatusCode, "the upgrade is refused before any websocket exists")
	}
	expectBanned(s)
	s.stop()
	expectBanned(startWith(t, dir, native.Options{Config: cfg}))
}

// Behind a reverse proxy: the client named by a trusted proxy is the one
// counted, banned and checked; a header from an untrusted peer is refused.
func TestReverseProxyOverHTTP(t *testing.T) {
	threshold := 1
	cfg := &core.Config{BcryptCost: 4, MFAModules: []core.MFAModuleConfig{},
		HTTP: core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"127.0.0.1"}, LoginAttemptsThreshold: &threshold}}
	dir := t.TempDir()
	s := startWith(t, dir, native.Options{Config: cfg})
	s.call(core.OpCreateUser, map[string]any{"username": "alice", "password": "secret pass"})

	_, _, body := s.get("/auth/providers", "X-Forwarded-For", "203.0.113.5")
	assert.Contains(t, string(body), `"preselect_remember_me":false`, "the client is remote")
	_, _, body = s.get("/auth/providers")
	assert.Contains(t, string(body), `"preselect_remember_me":true`, "the proxy itself is local")

	status, _, _ := s.get("/api/", "X-Forwarded-For", "203.0.113.5")
	assert.Equal(t, 401, status)
	status, _, _ = s.get("/auth/providers", "X-Forwarded-For", "203.0.113.5")
	assert.Equal(t, 403, status, "the client is banned")
	status, _, _ = s.get("/auth/providers", "X-Forwarded-For", "203.0.113.6")
	assert.Equal(t, 200, status, "another client is not")
	status, _, _ = s.get("/api/")
	assert.Equal(t, 401, status)
	status, _, _ = s.get("/auth/providers")
	assert.Equal(t, 200, status, "the proxy is never banned")
	b, _ := os.ReadFile(filepath.Join(dir, native.BansFile))
	assert.Contains(t, string(b), "\n203.0.113.5:\n")
	assert.NotContains(t, string(b), "127.0.0.1")

	status, _, body = s.get("/auth/providers", "X-Forwarded-For", "203.0.113.6, not-an-ip")
	assert.Equal(t, 400, status)
	assert.Equal(t, "400: Bad Request", string(body))

	// With the proxy untrusted, its header is refused outright.
	cfg2 := *cfg
	cfg2.HTTP.TrustedProxies = []string{"10.0.0.1"}
	s2 := startWith(t, t.TempDir(), native.Options{Config: &cfg2})
	status, _, body = s2.get("/auth/providers", "X-Forwarded-For", "192.168.1.5")
	assert.Equal(t, 400, status)
	assert.Equal(t, "400: Bad Request", string(body))
}

// §7.10 end to end: the embedder makes a state, the browser comes back,
// the embedder's callback gets the code.
func TestExternalCallbackOverHTTP(t *testing.T) {
	got := make(chan core.External, 1)
	s := startWith(t, t.TempDir(), native.Options{Config: &core.Config{}, External: func(x core.External) { got <- x }})
	var st struct {
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal(s.call(core.OpCreateExternalState, map[string]any{"flow_id": "flow-9", "redirect_uri": s.srv.URL + "/auth/external/callback"}), &st))

	status, hdr, body := s.get("/auth/external/callback?state=" + url.QueryEscape(st.State) + "&code=the-code")
	assert.Equal(t, 200, status)
	assert.Equal(t, "text/html", hdr.Get("Content-Type"))
	assert.Equal(t, "<script>window.close()</script>", string(body))
	select {
	case x := <-got:
		assert.Equal(t, "flow-9", x.FlowID)
		require.NotNil(t, x.Code)
		assert.Equal(t, "the-code", *x.Code)
		assert.Nil(t, x.Error)
		assert.JSONEq(t, `{"flow_id":"flow-9","redirect_uri":"`+s.srv.URL+`/auth/external/callback"}`, string(x.State))
	case <-time.After(5 * time.Second):
		t.Fatal("the embedder got nothing")
	}

	status, _, body = s.get("/auth/external/callback?code=x")
	assert.Equal(t, 200, status)
	assert.Equal(t, "Missing state parameter", string(body))
	status, _, body = s.get("/auth/external/callback?state=forged&code=x")
	assert.Equal(t, 400, status)
	assert.Equal(t, "Invalid state. Is My Home Assistant configured to go to the right instance?", string(body))
}

// configuration.yaml drives the host: providers from the file, and a bad
// value stops Open with its key and line.
func TestConfigurationYAMLOverHTTP(t *testing.T) {
	dir := copyDir(t, "testdata/ha-config") // onboarded: it has an owner
	yml := "homeassistant:\n  auth_providers:\n    - type: homeassistant\n    - type: trusted_networks\n      trusted_networks: 127.0.0.0/8\n" +
		"    - type: command_line\n      command: " + checkScript(t) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, native.ConfigFile), []byte(yml), 0o600))
	s := startWith(t, dir, native.Options{})
	status, _, body := s.get("/auth/providers")
	require.Equal(t, 200, status)
	assert.JSONEq(t, `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"},`+
		`{"name":"Trusted Networks","id":null,"type":"trusted_networks"},`+
		`{"name":"Command Line Authentication","id":null,"type":"command_line"}],"preselect_remember_me":true}`, string(body))
	s.stop()

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, native.ConfigFile), []byte("http:\n  login_attempts_threshold: -5\n"), 0o600))
	_, err := native.Open(native.Options{ConfigDir: bad})
	var ce *native.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "http.login_attempts_threshold", ce.Key)
	assert.Equal(t, 2, ce.Line)
}
